/**
 * The sealed calls family: calls to /v1 with random, missing, extra or corrupted boxes, wrong claims,
 * replays, oversized bodies and wrong content types. Their contract: 401 for anything refused.
 */
import { b64url, jsonText, requestWith, sealedCall } from "../bodies.ts";
import { encode, framed, withoutHeader } from "../wire.ts";
import {
  answeredOrUnauthorized,
  type Family,
  framedCase,
  jsonRequest,
  onlyUnauthorized,
  randomJson,
} from "./shape.ts";

export const sealed: Family = {
  name: "sealed calls",
  shapes: [
    {
      name: "random fields",
      routes: (r) => r.kind === "sealed",
      make(route, ctx, rng) {
        const field = () => b64url(rng.bytes(rng.range(0, 200)));
        const body = { id: field(), check: field(), ts: field(), entry: field() };
        return { ...jsonRequest(route, ctx, rng, JSON.stringify(body)), expect: onlyUnauthorized };
      },
    },
    {
      name: "missing, extra or mistyped fields",
      routes: (r) => r.kind === "sealed",
      make(route, ctx, rng) {
        const body: Record<string, unknown> = sealedCall(ctx, rng, "time_test");
        const key = rng.pick(["id", "check", "ts", "entry"]);
        const variant = rng.int(3);
        if (variant === 0) delete body[key];
        else if (variant === 1) body[key] = randomJson(rng);
        else body[rng.word(5)] = randomJson(rng);
        const wrapped = rng.chance(0.1);
        return {
          ...jsonRequest(route, ctx, rng, JSON.stringify(wrapped ? [body] : body)),
          expect: variant === 2 && !wrapped ? answeredOrUnauthorized : onlyUnauthorized,
        };
      },
    },
    {
      name: "corrupted box",
      routes: (r) => r.kind === "sealed",
      make(route, ctx, rng) {
        const body = sealedCall(ctx, rng, "time_test");
        const key = rng.pick(["id", "check", "ts", "entry"] as const);
        const bytes = Buffer.from(body[key] as string, "base64url");
        const variant = rng.int(5);
        let text: string;
        if (variant === 0) {
          const at = rng.int(bytes.length);
          bytes[at] = (bytes[at] as number) ^ (1 << rng.int(8));
          text = b64url(bytes);
        } else if (variant === 1) text = b64url(bytes.subarray(0, rng.int(bytes.length)));
        else if (variant === 2) text = b64url(bytes.subarray(24));
        else if (variant === 3) text = `${body[key]}${rng.pick(["!", "=", "===", " ", "\n", "+/", "%"])}`;
        else text = bytes.toString("base64");
        return {
          ...jsonRequest(route, ctx, rng, JSON.stringify({ ...body, [key]: text })),
          // Appended junk and the standard alphabet may decode to the same box.
          expect: variant >= 3 ? answeredOrUnauthorized : onlyUnauthorized,
        };
      },
    },
    {
      name: "wrong claims",
      routes: (r) => r.kind === "sealed",
      make(route, ctx, rng) {
        const now = Math.floor(Date.now() / 1000);
        const tweak = rng.pick([
          { entry: "time_test", ts: now - 3600 },
          { entry: "time_test", ts: now + 3600 },
          { entry: "time_test", ts: 0 },
          { entry: "time_test", ts: 2 ** 53 },
          { entry: "time_test", crc: 12345 },
          { entry: "time_test", secret: "0".repeat(128) },
          { entry: "no_such_function" },
          { entry: "../../etc/passwd" },
          { entry: "" },
          { entry: "x".repeat(5000) },
        ]);
        const body = sealedCall(ctx, rng, tweak.entry, tweak);
        return { ...jsonRequest(route, ctx, rng, JSON.stringify(body)), expect: onlyUnauthorized };
      },
    },
    {
      // The same sealed call twice on one connection: the first is answered, the replay refused.
      name: "replay",
      routes: (r) => r.kind === "sealed",
      make(route, ctx, rng) {
        const req = framed(requestWith(route, ctx, rng, jsonText(sealedCall(ctx, rng, "time_test"))));
        // Pipelined, the two are handled at once: either may win, never both.
        const expect = (statuses: readonly number[]) =>
          statuses.length === 2 &&
          statuses.every((s) => s === 200 || s === 401) &&
          statuses.filter((s) => s === 200).length <= 1
            ? undefined
            : "of a call and its replay, at most one is answered 200, the other 401";
        return { bytes: Buffer.concat([encode(req), encode(req)]), ending: "open", answers: 2, expect };
      },
    },
    {
      name: "oversized body",
      routes: (r) => r.kind === "sealed",
      make(route, ctx, rng) {
        const body = { ...sealedCall(ctx, rng, "time_test"), pad: "p".repeat(rng.range(64 * 1024, 200_000)) };
        return { ...jsonRequest(route, ctx, rng, JSON.stringify(body)), expect: onlyUnauthorized };
      },
    },
    {
      name: "wrong content type",
      routes: (r) => r.kind === "sealed",
      make(route, ctx, rng) {
        const body = jsonText(sealedCall(ctx, rng, "time_test"));
        const req = requestWith(
          route,
          ctx,
          rng,
          body,
          rng.pick([
            "text/plain",
            "application/jsonx",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "",
          ]),
        );
        return {
          ...framedCase(
            rng.chance(0.2) ? { ...req, headers: withoutHeader(req.headers, "content-type") } : req,
          ),
          expect: onlyUnauthorized,
        };
      },
    },
  ],
};
