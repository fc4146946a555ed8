import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { crc32 as zlibCrc32 } from "node:zlib";
import nacl from "tweetnacl";
import { fromBase64, toBase64Url, toHex, utf8 } from "./bytes.ts";
import {
  bigEndianNumber,
  CALL_FIELDS,
  crc32,
  decodeCall,
  decodeField,
  decodeKey,
  encodeKey,
  keyPairFromSecret,
  MAX_FIELD_CHARS,
  minimalBigEndian,
  nonceOf,
  openCall,
  openField,
  openReply,
  type SealedCall,
  sealCall,
  sealField,
  sharedKey,
} from "./sealed-call.ts";

const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
const text = (bytes: Uint8Array | null) => (bytes ? new TextDecoder().decode(bytes) : null);

/**
 * The crypto_box example of D. J. Bernstein's "Cryptography in NaCl" (NaCl's tests/box.c, the same
 * in libsodium): Alice's and Bob's keys, their shared key, and Alice's box for Bob.
 */
const NACL = {
  aliceSecret: hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"),
  alicePublic: hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"),
  bobSecret: hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"),
  bobPublic: hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"),
  shared: hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389"),
  nonce: hex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37"),
  message: hex(
    "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705",
  ),
  box: hex(
    "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5",
  ),
};

/**
 * A call as mini-share-point's client makes it (PyNaCl's Box(client, server).encrypt, then
 * base64.urlsafe_b64encode), made with PyNaCl 1.5 with Alice as the client and Bob as the server,
 * the nonces fixed (bytes 0–23, 24–47, …): the README's secret, calling time_test on
 * 2024-03-30 13:20:53 UTC; and the server's reply, nonce bytes 100–123.
 */
const ORIGINAL = {
  secret:
    "2aed83f3d03b5520ce8e831088b219e333eb74d74243d3e9b4bd8e337229dac727ae4c249990bb6430d1b83cae7221ab19772e13a787087050a1e9529588e621",
  crc: 0xe9ffc3aa,
  ts: 1711804853,
  entry: "time_test",
  call: {
    id: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXvaztdO9zxQXo2Firsgs9tzcvNcEjRTNOJLerHJa_iu6Cp-GFTdSdvULrRQh3E4svOTHSGb6lFgfcvlL3f9g2uJIlPT0ZAw_VlVfsRqwdR3yJd_I7JP3bMqc4Dv928mfYJ3KFzJwJZPTWJDFsTWS54XA3wYShTBNKKDPnf-K9ASs1Mm3z2izD77c4-wHI6ro2",
    check: "GBkaGxwdHh8gISIjJCUmJygpKissLS4vVgTpO21zBZRmCU45EYMkwyZbtL8=",
    ts: "MDEyMzQ1Njc4OTo7PD0-P0BBQkNERUZHBUqvsDycEJn6tiXf__fouCNo2y0=",
    entry: "SElKS0xNTk9QUVJTVFVWV1hZWltcXV5frKRQz70g-T_JUePoeJyRg2KNSM2iM8si5A==",
  } satisfies SealedCall,
  reply:
    "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7N0fcCdkphdpBlJPNn3KaZRMdjH2nc3UGrRYAHB1BcfwM4xUp3GHM5fUUmTNcBFnE45sJfA1kyhzd5oo=",
  replyText: "It is currently: \n\tSat Mar 30 13:20:53 2024",
};

/** What the server does with a call (src/features/functions/functions.usecases.ts): decode, open. */
function openAsServer(call: Record<string, unknown>, shared: Uint8Array) {
  const fields = decodeCall(call);
  assert.ok(fields, "four sealed fields");
  const opened = openCall(fields, shared);
  assert.ok(opened !== null && typeof opened === "object", "the key opens every field and the CRC matches");
  return { ...opened, secret: text(opened.secret), tsNonce: nonceOf(fields[2] as Uint8Array) };
}

const pair = () => nacl.box.keyPair();

describe("the sealed-call encoding: known answers", () => {
  it("derives NaCl's published public keys and shared key from the secret keys, on either side", () => {
    assert.deepEqual(keyPairFromSecret(NACL.aliceSecret).publicKey, NACL.alicePublic);
    assert.deepEqual(keyPairFromSecret(NACL.bobSecret).publicKey, NACL.bobPublic);
    assert.deepEqual(keyPairFromSecret(NACL.bobSecret).secretKey, NACL.bobSecret);
    assert.equal(toHex(sharedKey(NACL.bobPublic, NACL.aliceSecret)), toHex(NACL.shared));
    assert.equal(toHex(sharedKey(NACL.alicePublic, NACL.bobSecret)), toHex(NACL.shared));
  });

  it("opens NaCl's published box as a field: nonce ‖ box in URL-safe base64, padded or not", () => {
    const field = new Uint8Array([...NACL.nonce, ...NACL.box]);
    assert.deepEqual(openField(field, NACL.shared), NACL.message);
    for (const wire of [toBase64Url(field, true), toBase64Url(field)]) {
      assert.deepEqual(decodeField(wire), field);
      assert.deepEqual(openReply(wire, NACL.shared), NACL.message);
    }
    // The box as tweetnacl seals it with that nonce is NaCl's, byte for byte.
    assert.deepEqual(nacl.box.after(NACL.message, NACL.nonce, NACL.shared), NACL.box);
  });

  it("opens a call made by mini-share-point's client logic under PyNaCl, and its server's reply", () => {
    const server = openAsServer(ORIGINAL.call, sharedKey(NACL.alicePublic, NACL.bobSecret));
    assert.equal(server.secret, ORIGINAL.secret);
    assert.equal(crc32(utf8(ORIGINAL.secret)), ORIGINAL.crc);
    assert.equal(server.unixSeconds, ORIGINAL.ts);
    assert.equal(server.entry, ORIGINAL.entry);
    assert.deepEqual(
      server.tsNonce,
      Uint8Array.from({ length: 24 }, (_, i) => 48 + i),
    );
    const reply = openReply(ORIGINAL.reply, sharedKey(NACL.bobPublic, NACL.aliceSecret));
    assert.equal(text(reply), ORIGINAL.replyText);
  });

  it("computes CRC-32 as zlib and Python's binascii.crc32 do", () => {
    assert.equal(crc32(utf8("123456789")), 0xcbf43926, "the CRC-32 check value");
    assert.equal(crc32(new Uint8Array()), 0);
    assert.equal(crc32(utf8(ORIGINAL.secret)), ORIGINAL.crc);
    const random = nacl.randomBytes(1000);
    assert.equal(crc32(random), zlibCrc32(random));
  });

  it("writes numbers as Python's int.to_bytes((n.bit_length() + 7) // 8, 'big'), and reads them back", () => {
    const cases: [number, string][] = [
      [0, ""],
      [1, "01"],
      [255, "ff"],
      [256, "0100"],
      [ORIGINAL.crc, "e9ffc3aa"],
      [ORIGINAL.ts, "660811b5"],
      [2 ** 48 - 1, "ffffffffffff"],
    ];
    for (const [n, bytes] of cases) {
      assert.equal(toHex(minimalBigEndian(n)), bytes, String(n));
      assert.equal(bigEndianNumber(minimalBigEndian(n)), n);
    }
    assert.equal(bigEndianNumber(hex("00000000000001")), null, "beyond 6 bytes");
    assert.equal(bigEndianNumber(hex("0001")), 1, "leading zeros are tolerated");
  });
});

describe("the sealed-call encoding: a client's call, the server's reply", () => {
  it("seals each of the four fields under its own nonce, and the server opens them", () => {
    const client = pair();
    const server = pair();
    const secretHex = toHex(nacl.randomBytes(64));
    const call = sealCall(
      { secretHex, entry: "time_test", unixSeconds: 1_800_000_000 },
      sharedKey(server.publicKey, client.secretKey),
    );
    assert.deepEqual(Object.keys(call), [...CALL_FIELDS]);
    const opened = openAsServer(call, sharedKey(client.publicKey, server.secretKey));
    assert.equal(opened.secret, secretHex);
    assert.equal(opened.unixSeconds, 1_800_000_000);
    assert.equal(opened.entry, "time_test");
    const nonces = CALL_FIELDS.map((f) => toHex(nonceOf(decodeField(call[f]) as Uint8Array)));
    assert.equal(new Set(nonces).size, 4, "a fresh nonce per field");
    const lengths = { id: 128, check: 4, ts: 4, entry: 9 };
    for (const f of CALL_FIELDS) {
      assert.match(call[f], /^[A-Za-z0-9_-]+={0,2}$/, `${f}: URL-safe base64`);
      assert.equal(call[f].length % 4, 0, `${f}: padded, as Python's urlsafe_b64decode insists`);
      assert.equal(decodeField(call[f])?.length, 24 + 16 + lengths[f], `${f}: nonce ‖ tag ‖ ciphertext`);
    }
  });

  it("opens the server's reply with the client's shared key, and nothing else", () => {
    const client = pair();
    const server = pair();
    const value = sealField(utf8("It is currently: \n\tnow"), sharedKey(client.publicKey, server.secretKey));
    assert.equal(value.length % 4, 0);
    const shared = sharedKey(server.publicKey, client.secretKey);
    assert.equal(text(openReply(value, shared)), "It is currently: \n\tnow");
    assert.equal(openReply(value, sharedKey(pair().publicKey, client.secretKey)), null, "another server");
    const bytes = decodeField(value) as Uint8Array;
    for (const at of [0, 24, 30, bytes.length - 1]) {
      const tampered = bytes.slice();
      tampered[at] = (tampered[at] ?? 0) ^ 1;
      assert.equal(openReply(toBase64Url(tampered, true), shared), null, `byte ${at} altered`);
    }
    for (const bad of [undefined, null, 42, {}, "", "!!!!", toBase64Url(bytes.subarray(0, 39), true)]) {
      assert.equal(openReply(bad, shared), null, JSON.stringify(bad));
    }
    assert.equal(decodeField("A".repeat(MAX_FIELD_CHARS + 4)), null, "an oversized field");
    assert.equal(decodeField("+".repeat(56)), null, "standard base64 is not a field");
    assert.equal(decodeField("-".repeat(56))?.length, 42, "URL-safe base64 of at least nonce and tag is");
  });

  it("reads and writes keys as the original's files hold them: base64 of 32 bytes", () => {
    const key = nacl.randomBytes(32);
    const encoded = encodeKey(key);
    assert.match(encoded, /^[A-Za-z0-9+/]{43}=$/);
    assert.deepEqual(decodeKey(encoded), key);
    assert.deepEqual(decodeKey(` ${encoded}\n`), key, "a file's line break");
    assert.deepEqual(decodeKey(toBase64Url(key)), key, "URL-safe, unpadded");
    for (const bad of [encodeKey(nacl.randomBytes(31)), encodeKey(nacl.randomBytes(33)), "not a key", ""]) {
      assert.equal(decodeKey(bad), null, bad);
    }
    assert.deepEqual(fromBase64(encoded), key);
  });
});
