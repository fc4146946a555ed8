/**
 * The JSON family: deep nesting, truncation, syntax errors, wrong types, prototype and duplicate
 * keys, huge values, odd escapes, empty bodies and content types that disagree.
 */
import { jsonText, requestWith } from "../bodies.ts";
import type { Rng } from "../rng.ts";
import { jsonRoutes } from "../routes.ts";
import { type Family, framedCase, jsonRequest, randomJson } from "./shape.ts";

/** Nested `depth` deep: arrays, objects or both. */
function nested(rng: Rng, depth: number): string {
  const style = rng.pick(["array", "object", "mixed", "proto"] as const);
  let open = "";
  let close = "";
  for (let i = 0; i < depth; i++) {
    const array = style === "array" || (style === "mixed" && i % 2 === 0);
    open += array ? "[" : style === "proto" ? '{"__proto__":' : '{"a":';
    close = (array ? "]" : "}") + close;
  }
  return `${open}${rng.pick(['"x"', "1", "null", "{}", "[]"])}${close}`;
}

/** JSON escapes of lone surrogates, NUL, bidi overrides and non-characters. */
const ODD_ESCAPES = [
  "\\ud800",
  "\\udfff\\ud800",
  "\\ud83d",
  "\\u0000",
  "\\u202e",
  "\\ufffe",
  "\\uffff",
  "\\\\\\",
  "\\/\\b\\f",
];

export const json: Family = {
  name: "json",
  shapes: [
    {
      name: "deep nesting",
      routes: jsonRoutes,
      make(route, ctx, rng) {
        const deep = nested(rng, rng.pick([64, 1000, 5000, 20_000, 100_000]));
        const text = rng.chance(0.5) ? deep : `{"${route.textField}":${deep}}`;
        return jsonRequest(route, ctx, rng, text);
      },
    },
    {
      name: "truncated",
      routes: jsonRoutes,
      make(route, ctx, rng) {
        const text = JSON.stringify({ ...route.accepted(ctx, rng), extra: [1, { a: "b" }] });
        return jsonRequest(route, ctx, rng, text.slice(0, rng.range(0, text.length - 1)));
      },
    },
    {
      name: "syntax errors",
      routes: jsonRoutes,
      make(route, ctx, rng) {
        const f = route.textField;
        const text = rng.pick([
          `{"${f}": "a",}`,
          `{'${f}': 'a'}`,
          `{"${f}": NaN}`,
          `{"${f}": Infinity}`,
          `{${f}: "a"}`,
          `{"${f}": "a"} // comment`,
          `/* c */ {"${f}": "a"}`,
          `{"${f}": "a"}{"${f}": "b"}`,
          `{"${f}": "a"} trailing`,
          `{"${f}": "a\tb\u0001"}`,
          `{"${f}": 0x10}`,
          `{"${f}": 1e999999}`,
          `{"${f}": -}`,
          `{"${f}" "a"}`,
          `{"${f}": "a"`,
          `{"${f}": "\\x41"}`,
          `{"${f}": "\\u12"}`,
          `{"${f}": undefined}`,
          `[}`,
          `{"${f}": "a"]`,
          `\u0000{"${f}": "a"}`,
        ]);
        return jsonRequest(route, ctx, rng, text);
      },
    },
    {
      name: "wrong types",
      routes: jsonRoutes,
      make(route, ctx, rng) {
        const fields = { ...route.accepted(ctx, rng) };
        for (const key of Object.keys(fields)) if (rng.chance(0.7)) fields[key] = randomJson(rng);
        if (route.textField) fields[route.textField] = randomJson(rng);
        const top = rng.chance(0.2) ? rng.pick<unknown>([[fields], "x", 5, null, true, []]) : fields;
        return jsonRequest(route, ctx, rng, JSON.stringify(top));
      },
    },
    {
      name: "prototype keys",
      routes: jsonRoutes,
      make(route, ctx, rng) {
        const fields = JSON.stringify(route.fields(ctx, rng)).slice(1, -1);
        const poison = rng.pick([
          '"__proto__": {"isAdmin": true, "fingerprint": "x"}',
          '"constructor": {"prototype": {"isAdmin": true}}',
          '"__proto__": null',
          '"__proto__": [1,2]',
          '"hasOwnProperty": 1, "toString": "x", "valueOf": null',
        ]);
        return jsonRequest(route, ctx, rng, `{${poison}${fields ? `, ${fields}` : ""}}`);
      },
    },
    {
      name: "duplicate keys",
      routes: jsonRoutes,
      make(route, ctx, rng) {
        const good = JSON.stringify(route.accepted(ctx, rng)).slice(1, -1);
        const f = route.textField;
        return jsonRequest(
          route,
          ctx,
          rng,
          `{${good ? `${good}, ` : ""}"${f}": ${JSON.stringify(randomJson(rng))}, "${f}": ${JSON.stringify(randomJson(rng))}}`,
        );
      },
    },
    {
      name: "huge values",
      routes: jsonRoutes,
      make(route, ctx, rng) {
        const fields: Record<string, unknown> = { ...route.accepted(ctx, rng) };
        const n = rng.pick([1_000, 10_000, 70_000, 300_000]);
        const value = rng.pick<unknown>([
          "s".repeat(n),
          Array.from({ length: Math.min(n, 50_000) }, () => 0),
          Number("9".repeat(400)),
        ]);
        fields[rng.chance(0.7) ? route.textField : rng.word(5)] = value;
        const text = rng.chance(0.2) ? `{"${route.textField}": ${"9".repeat(n)}}` : JSON.stringify(fields);
        return jsonRequest(route, ctx, rng, text);
      },
    },
    {
      // Valid JSON whose escapes are no Unicode text: each of them on each route in the first pass.
      name: "escapes and surrogates",
      routes: jsonRoutes,
      variants: ODD_ESCAPES.length,
      make(route, ctx, rng, _budget, variant) {
        const odd = variant === undefined ? rng.pick(ODD_ESCAPES) : (ODD_ESCAPES[variant] as string);
        // In every text field (a user name is looked up, a password hashed, a name signed…).
        const fields = { ...route.accepted(ctx, rng), [route.textField]: "text" };
        const members = Object.entries(fields).map(([key, value]) =>
          typeof value === "string"
            ? `${JSON.stringify(key)}: ${JSON.stringify(value).slice(0, -1)}${odd}b"`
            : `${JSON.stringify(key)}: ${JSON.stringify(value)}`,
        );
        return jsonRequest(route, ctx, rng, `{${members.join(", ")}}`);
      },
    },
    {
      name: "empty or blank",
      routes: jsonRoutes,
      make(route, ctx, rng) {
        return jsonRequest(
          route,
          ctx,
          rng,
          rng.pick(["", " ", "\r\n", "null", "{}", "[]", '""', "0", "\t\n {} \n"]),
        );
      },
    },
    {
      name: "content type disagrees",
      routes: jsonRoutes,
      make(route, ctx, rng) {
        const contentType = rng.pick([
          "application/json; charset=utf-16",
          "application/json; charset=latin1",
          "application/JSON",
          "application/json ; x=y",
          "text/json",
          "application/vnd.api+json",
          "application/json\x00",
          "text/plain",
          "application/x-www-form-urlencoded",
          'application/json; charset="utf-8',
        ]);
        const body = rng.chance(0.5) ? jsonText(route.accepted(ctx, rng)) : Buffer.from("a=1&b=%ZZ&c");
        return framedCase(requestWith(route, ctx, rng, body, contentType));
      },
    },
  ],
};
