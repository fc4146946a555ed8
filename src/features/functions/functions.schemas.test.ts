import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeCall } from "../../protocol/sealed-call.ts";
import { callSchema, isSealedCallBody, SealedCallBody } from "./functions.schemas.ts";

describe("the sealed call's schema", () => {
  it("takes an object of four strings as a call's shape, and nothing else", () => {
    const call = { id: "a", check: "b", ts: "c", entry: "d" };
    assert.equal(isSealedCallBody(call), true);
    assert.equal(
      isSealedCallBody({ ...call, extra: 1 }),
      true,
      "other fields are ignored, as the original does",
    );
    for (const bad of [null, [], "call", 42, { ...call, ts: 42 }, { id: "a", check: "b", ts: "c" }]) {
      assert.equal(isSealedCallBody(bad), false, JSON.stringify(bad));
    }
  });

  it("documents an example call whose fields decode as sealed boxes (what /docs sends with Try it out)", () => {
    const [example] = (SealedCallBody as { examples?: unknown[] }).examples ?? [];
    assert.ok(isSealedCallBody(example));
    assert.ok(decodeCall(example), "each field is URL-safe base64 of a nonce and a box");
    const answer = callSchema.response[200] as { examples?: { value: string }[] } & {
      properties: { value: { pattern?: string } };
    };
    assert.match(answer.examples?.[0]?.value ?? "", new RegExp(answer.properties.value.pattern ?? "^$"));
  });
});
