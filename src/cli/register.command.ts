import { pkiStatus, register } from "../client/pki.ts";
import { confirmIdentityChange, refuseToReplace, SAVE_OPTIONS, saveCertificate } from "./certificates.ts";
import { CliError, type Command, flag, str } from "./command.ts";
import { configDir, loadConfig, makeClient } from "./config.ts";
import { terminalProgress } from "./progress.ts";
import { date } from "./units.ts";

export const registerCommand: Command = {
  usage: `sealbin register [options]

Gets a client certificate from the server's PKI (registration must be enabled there), solving its
proof-of-work (progress on a terminal), and saves client.crt and client.key. The first user to
register becomes the admin.

  -n, --name NAME   common name for the certificate
  -o, --output DIR  where to save the files (default: the config directory)
  --configure       point the config at the new certificate and its fingerprint (asks first when
                    it replaces an identity in use)
  -y, --yes         replace the identity in use without asking (for scripts)
  --force           replace existing files
  -s, --server URL  server to use`,
  options: {
    ...SAVE_OPTIONS,
  },
  async run(v) {
    const config = loadConfig(v);
    const client = makeClient(config);
    const dir = str(v, "output") ?? configDir();
    const force = flag(v, "force");
    refuseToReplace(dir, force);
    // Before the proof-of-work: a server without a PKI would refuse the work after it is done.
    const pki = await pkiStatus(client).catch(() => undefined);
    if (pki && pki.enabled === false) {
      throw new CliError(1, `${client.base} has no PKI: it cannot register you (GET /pki says it is off)`, [
        "ask its admin to enable it (SEALBIN_PKI_ENABLED), or make a self-signed certificate with sealbin cert --configure (servers trust it less)",
      ]);
    }
    await confirmIdentityChange(v, config, "the certificate registered now");
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
