import os from "node:os";
import { confirmIdentityChange, refuseToReplace, SAVE_OPTIONS, saveCertificate } from "./certificates.ts";
import { CliError, type Command, flag, str } from "./command.ts";
import { configDir, loadConfig } from "./config.ts";
import { isCurve, type KeyOptions, selfSignedCertificate } from "./x509.ts";

export const certCommand: Command = {
  usage: `sealbin cert [options]

Generates a self-signed client certificate on this machine (no server involved) and prints its
SHA1 fingerprint. Servers treat it as "untrusted": more than anonymous, less than PKI-issued.

  -a, --algorithm ec|rsa  key type (default ec)
  -c, --curve NAME        secp256r1, secp384r1 (default) or secp521r1
  -b, --bits N            RSA key size (default 4096)
  -d, --days N            validity (default 365)
  -n, --name NAME         common name (default: sealbin-<hostname>)
  -o, --output DIR        where to save client.crt and client.key (default: the config directory)
  --configure             point the config at the new certificate and its fingerprint (asks
                          first when it replaces an identity in use)
  -y, --yes               replace the identity in use without asking (for scripts)
  --force                 replace existing files`,
  options: {
    algorithm: { type: "string", short: "a", default: "ec" },
    curve: { type: "string", short: "c", default: "secp384r1" },
    bits: { type: "string", short: "b", default: "4096" },
    days: { type: "string", short: "d", default: "365" },
    ...SAVE_OPTIONS,
  },
  async run(v) {
    const algorithm = str(v, "algorithm");
    if (algorithm !== "ec" && algorithm !== "rsa") throw new CliError(2, "--algorithm must be ec or rsa");
    const bits = Number(str(v, "bits"));
    if (![2048, 3072, 4096].includes(bits)) throw new CliError(2, "--bits must be 2048, 3072 or 4096");
    const days = Number(str(v, "days"));
    if (!Number.isInteger(days) || days < 1 || days > 3650)
      throw new CliError(2, "--days must be from 1 to 3650");
    const name = str(v, "name") ?? `sealbin-${os.hostname()}`;
    if (name.length < 1 || name.length > 64 || /\p{Cc}/u.test(name))
      throw new CliError(2, "--name must be 1 to 64 printable characters");
    const curve = str(v, "curve") ?? "";
    let key: KeyOptions;
    if (algorithm === "rsa") key = { algorithm, bits };
    else if (isCurve(curve)) key = { algorithm, curve };
    else throw new CliError(2, `unsupported curve ${curve}: use secp256r1, secp384r1 or secp521r1`);
    const dir = str(v, "output") ?? configDir();
    const force = flag(v, "force");
    refuseToReplace(dir, force);
    await confirmIdentityChange(v, loadConfig(v), `the self-signed certificate "${name}"`);
    const made = selfSignedCertificate({ ...key, days, name });
    await saveCertificate({
      dir,
      certificatePem: made.certificatePem,
      privateKeyPem: made.privateKeyPem,
      fingerprint: made.fingerprint,
      force,
      configure: flag(v, "configure"),
      summary: `self-signed ${algorithm === "ec" ? curve : `rsa ${bits}`} certificate "${name}", expires ${made.notAfter.toISOString().slice(0, 10)}`,
    });
    return 0;
  },
};
