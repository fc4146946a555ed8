import { register } from "../client/pki.ts";
import { refuseToReplace, saveCertificate } from "./certificates.ts";
import { type Command, flag, str } from "./command.ts";
import { configDir, loadConfig, makeClient } from "./config.ts";
import { date, terminalProgress } from "./output.ts";

export const registerCommand: Command = {
  usage: `sealbin register [options]

Gets a client certificate from the server's PKI (registration must be enabled there) and saves
client.crt and client.key. The first user to register becomes the admin.

  -n, --name NAME   common name for the certificate
  -o, --output DIR  where to save the files (default: the config directory)
  --configure       point the config at the new certificate and its fingerprint
  --force           replace existing files
  -s, --server URL  server to use`,
  options: {
    name: { type: "string", short: "n" },
    output: { type: "string", short: "o" },
    configure: { type: "boolean" },
    force: { type: "boolean" },
  },
  async run(v) {
    const client = makeClient(loadConfig(v));
    const dir = str(v, "output") ?? configDir();
    const force = flag(v, "force");
    refuseToReplace(dir, force);
    const reg = await register(client, str(v, "name"), { onProgress: terminalProgress("registering") });
    await saveCertificate({
      dir,
      certificatePem: reg.certificate_pem,
      privateKeyPem: reg.private_key_pem,
      fingerprint: reg.fingerprint_sha1,
      force,
      configure: flag(v, "configure"),
      summary: `registered as ${reg.common_name}${reg.is_admin ? " (admin)" : ""}; certificate expires ${date(reg.expires_at)}`,
    });
    return 0;
  },
};
