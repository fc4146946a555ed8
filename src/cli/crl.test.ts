import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateCa, generateCrl, newSerial } from "../features/pki/pki.crypto.ts";
import { normaliseSerial, revokedSerials } from "./crl.ts";

describe("the serials a CRL lists", () => {
  it("reads every revoked serial of the server's CRL, and none of an empty one", async () => {
    const ca = await generateCa("test CA", 30, Date.now());
    const serials = [newSerial(), newSerial(), "0a0b0c"];
    const pem = await generateCrl(
      ca,
      serials.map((serial) => ({ serial, revokedAt: 1_700_000_000 })),
      Date.now(),
    );
    assert.deepEqual(revokedSerials(pem), new Set(serials.map(normaliseSerial)));
    assert.deepEqual(revokedSerials(Buffer.from(pem)), new Set(serials.map(normaliseSerial)));
    assert.equal(revokedSerials(await generateCrl(ca, [], Date.now())).size, 0);
  });

  it("refuses what is not a CRL", () => {
    assert.throws(() => revokedSerials(Buffer.from([0x02, 0x01, 0x00])));
  });
});
