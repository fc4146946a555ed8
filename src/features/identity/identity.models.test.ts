import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { callerFor, fingerprintFromProxyHeaders, secretsEqual } from "./identity.models.ts";

const FP = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2";

describe("caller identity from proxy headers", () => {
  it("takes exactly 40 lowercase hex characters as a certificate fingerprint", () => {
    assert.deepEqual(fingerprintFromProxyHeaders(FP, undefined, ""), { fingerprint: FP, rejected: false });
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
      assert.equal(fingerprintFromProxyHeaders(bad, undefined, "").fingerprint, null, String(bad));
    }
  });

  it("honours the fingerprint only with the right proxy secret when one is configured", () => {
    assert.equal(fingerprintFromProxyHeaders(FP, "s3cret", "s3cret").fingerprint, FP);
    assert.deepEqual(fingerprintFromProxyHeaders(FP, "wrong", "s3cret"), {
      fingerprint: null,
      rejected: true,
    });
    assert.equal(fingerprintFromProxyHeaders(FP, "s3cre", "s3cret").fingerprint, null);
    assert.equal(fingerprintFromProxyHeaders(FP, undefined, "s3cret").fingerprint, null);
  });

  it("derives trust from what the PKI knows of the certificate", () => {
    const valid = { status: "valid" as const, expiresAt: 100, isAdmin: false };
    assert.equal(callerFor(null, undefined, 0).trustLevel, "anonymous");
    assert.equal(callerFor(FP, undefined, 0).trustLevel, "untrusted");
    assert.deepEqual(callerFor(FP, valid, 0), { fingerprint: FP, trustLevel: "trusted", isAdmin: false });
    assert.equal(callerFor(FP, { ...valid, isAdmin: true }, 0).isAdmin, true);
    assert.deepEqual(
      callerFor(FP, { ...valid, status: "revoked" }, 0).fingerprint,
      null,
      "revoked counts as anonymous",
    );
    assert.equal(
      callerFor(FP, valid, 100).trustLevel,
      "untrusted",
      "an expired PKI certificate is no longer trusted",
    );
  });

  it("compares secrets of any lengths", () => {
    assert.equal(secretsEqual("abc", "abc"), true);
    assert.equal(secretsEqual("abcd", "abc"), false);
    assert.equal(secretsEqual("", "abc"), false);
  });
});
