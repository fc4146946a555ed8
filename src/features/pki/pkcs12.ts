import { randomBytes } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { x509 } from "./x509.ts";

// PBES2 (PBKDF2-HMAC-SHA256 + AES-256-CBC) for the key and certificate bags, HMAC-SHA256 for the MAC:
// what OpenSSL 3 writes by default, and what current browsers, curl, macOS and Windows import.
const ITERATIONS = 10_000;
const HASH = "SHA-256";

function der(pem: string): ArrayBuffer {
  const first = x509.PemConverter.decode(pem)[0];
  if (!first) throw new Error("no PEM block");
  return first;
}

function bagAttributes(localKeyId: ArrayBuffer, friendlyName: string): pkijs.Attribute[] {
  return [
    new pkijs.Attribute({
      type: "1.2.840.113549.1.9.20", // friendlyName
      values: [new asn1js.BmpString({ value: friendlyName })],
    }),
    new pkijs.Attribute({
      type: "1.2.840.113549.1.9.21", // localKeyID: ties the key to its certificate
      values: [new asn1js.OctetString({ valueHex: localKeyId })],
    }),
  ];
}

/**
 * A PKCS#12 bundle of a certificate and its private key, for browsers and `curl --cert-type P12`.
 * An empty password is allowed (the bundle is then only as safe as the channel it travels on).
 */
export async function buildPkcs12(
  certificatePem: string,
  privateKeyPem: string,
  password: string,
  friendlyName: string,
): Promise<Buffer> {
  const passwordBytes = new TextEncoder().encode(password).buffer as ArrayBuffer;
  const localKeyId = randomBytes(20).buffer as ArrayBuffer;
  const certificate = pkijs.Certificate.fromBER(der(certificatePem));
  const privateKeyInfo = pkijs.PrivateKeyInfo.fromBER(der(privateKeyPem));
  const encryption = {
    password: passwordBytes,
    // pkijs draws a fresh random IV and salt for each encryption; the iv here is only the type's.
    contentEncryptionAlgorithm: { name: "AES-CBC", length: 256, iv: new Uint8Array(16) },
    hmacHashAlgorithm: HASH,
    iterationCount: ITERATIONS,
  };

  const pfx = new pkijs.PFX({
    parsedValue: {
      integrityMode: 0, // password-based MAC
      authenticatedSafe: new pkijs.AuthenticatedSafe({
        parsedValue: {
          safeContents: [
            {
              privacyMode: 1, // certificate bag encrypted with the password
              value: new pkijs.SafeContents({
                safeBags: [
                  new pkijs.SafeBag({
                    bagId: "1.2.840.113549.1.12.10.1.3",
                    bagValue: new pkijs.CertBag({ parsedValue: certificate }),
                    bagAttributes: bagAttributes(localKeyId, friendlyName),
                  }),
                ],
              }),
            },
            {
              privacyMode: 0, // the key bag is itself shrouded (encrypted) below
              value: new pkijs.SafeContents({
                safeBags: [
                  new pkijs.SafeBag({
                    bagId: "1.2.840.113549.1.12.10.1.2",
                    bagValue: new pkijs.PKCS8ShroudedKeyBag({ parsedValue: privateKeyInfo }),
                    bagAttributes: bagAttributes(localKeyId, friendlyName),
                  }),
                ],
              }),
            },
          ],
        },
      }),
    },
  });

  const safe = pfx.parsedValue?.authenticatedSafe;
  const keyBag = safe?.parsedValue?.safeContents[1]?.value.safeBags[0]?.bagValue;
  if (!safe || !(keyBag instanceof pkijs.PKCS8ShroudedKeyBag)) throw new Error("PKCS#12 layout");
  await keyBag.makeInternalValues(encryption);
  await safe.makeInternalValues({ safeContents: [encryption, {}] });
  await pfx.makeInternalValues({
    password: passwordBytes,
    iterations: ITERATIONS,
    pbkdf2HashAlgorithm: { name: HASH },
    hmacHashAlgorithm: HASH,
  });
  return Buffer.from(pfx.toSchema().toBER(false));
}
