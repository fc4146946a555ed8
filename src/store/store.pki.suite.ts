import assert from "node:assert/strict";
import { it } from "node:test";
import type { Conformance } from "./store.suite.ts";

/** The CA, its certificates (one first admin, revocation) and the audit log. */
export function pkiConformance(t: Conformance): void {
  it("keeps one CA", async () => {
    const ca = {
      commonName: "CA",
      certificatePem: "pem",
      encryptedKey: "{}",
      fingerprint: "f".repeat(40),
      createdAt: 1,
      expiresAt: 2,
    };
    assert.equal(await t.store.pki.getCa(), undefined);
    assert.equal(await t.store.pki.insertCa(ca), true);
    assert.equal(await t.store.pki.insertCa({ ...ca, commonName: "other" }), false);
    assert.deepEqual(await t.store.pki.getCa(), ca);
  });

  it("makes exactly one first registrant admin, and revokes a certificate once", async () => {
    const cert = (i: number) => ({
      serial: i.toString(16).padStart(32, "0"),
      commonName: `user${i}`,
      fingerprint: i.toString(16).padStart(40, "a"),
      createdAt: 100 + i,
      expiresAt: 1000,
      issuedTo: i === 3 ? "1".toString().padStart(40, "a") : null,
    });
    const results = await Promise.all([1, 2].map((i) => t.store.pki.insertCertificate(cert(i), true)));
    assert.equal(results.filter((c) => c.isAdmin).length, 1);
    assert.equal((await t.store.pki.insertCertificate(cert(3), false)).isAdmin, false);
    assert.equal((await t.store.pki.findCertificateByFingerprint(cert(2).fingerprint))?.commonName, "user2");
    assert.equal((await t.store.pki.findCertificateBySerial(cert(1).serial))?.status, "valid");
    assert.deepEqual(
      (await t.store.pki.listCertificates(cert(1).fingerprint)).map((c) => c.commonName),
      ["user3", "user1"],
    );
    assert.equal((await t.store.pki.listCertificates(null)).length, 3);
    assert.equal(await t.store.pki.revokeCertificate(cert(1).serial, 500), true);
    assert.equal(await t.store.pki.revokeCertificate(cert(1).serial, 501), false);
    const revoked = await t.store.pki.findCertificateBySerial(cert(1).serial);
    assert.equal(revoked?.status, "revoked");
    assert.equal(revoked?.revokedAt, 500);
  });

  it("appends audit events and lists them newest first", async () => {
    await t.store.pki.appendAudit({ at: 1, event: "CA_CREATED", actor: null, detail: { common_name: "CA" } });
    await t.store.pki.appendAudit({
      at: 2,
      event: "CERT_ISSUED",
      actor: "a".repeat(40),
      detail: { serial: "01" },
    });
    const page = await t.store.pki.listAudit(10, 0);
    assert.equal(page.total, 2);
    assert.deepEqual(
      page.items.map((e) => [e.event, e.detail]),
      [
        ["CERT_ISSUED", { serial: "01" }],
        ["CA_CREATED", { common_name: "CA" }],
      ],
    );
  });
}
