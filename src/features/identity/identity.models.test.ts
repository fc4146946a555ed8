import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { callerFromProxyHeaders, secretsEqual } from "./identity.models.ts";

const FP = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2";

describe("caller identity from proxy headers", () => {
  it("takes exactly 40 lowercase hex characters as a certificate fingerprint", () => {
    assert.deepEqual(callerFromProxyHeaders(FP, undefined, ""), { fingerprint: FP, trustLevel: "untrusted" });
  });

  it("treats anything else as anonymous", () => {
    for (const bad of [
      FP.toUpperCase(),
      FP.slice(1),
      `${FP}0`,
      `${FP.slice(0, 39)}g`,
      "",
      undefined,
      [FP, FP],
    ]) {
      assert.equal(callerFromProxyHeaders(bad, undefined, "").fingerprint, null, String(bad));
    }
  });

  it("honours the fingerprint only with the right proxy secret when one is configured", () => {
    assert.equal(callerFromProxyHeaders(FP, "s3cret", "s3cret").fingerprint, FP);
    assert.equal(callerFromProxyHeaders(FP, "wrong", "s3cret").fingerprint, null);
    assert.equal(callerFromProxyHeaders(FP, "s3cre", "s3cret").fingerprint, null);
    assert.equal(callerFromProxyHeaders(FP, undefined, "s3cret").fingerprint, null);
  });

  it("compares secrets of any lengths", () => {
    assert.equal(secretsEqual("abc", "abc"), true);
    assert.equal(secretsEqual("abcd", "abc"), false);
    assert.equal(secretsEqual("", "abc"), false);
  });
});
