import fs from "node:fs";
import path from "node:path";
import type { SealbinClient } from "../client/client.ts";
import {
  caCertificate,
  issueCertificate,
  listCertificates,
  pkiStatus,
  revokeCertificate,
} from "../client/pki.ts";
import { refuseToReplace, saveCertificate } from "./certificates.ts";
import { CliError, type Command, flag, str, type Values } from "./command.ts";
import { loadConfig, makeClient, writeConfig } from "./config.ts";
import { date, info, out } from "./output.ts";

const USAGE = `sealbin pki status
sealbin pki download [-o FILE] [--configure]
sealbin pki issue -n NAME [-o DIR] [--configure] [--force]
sealbin pki revoke SERIAL

  status     the CA, issue counts, and the certificates you hold or issued (with serials)
  download   the CA certificate (stdout, or -o FILE; --configure makes it the config's ca_cert)
  issue      have the CA issue a certificate (admin); saves client.crt and client.key
  revoke     revoke a certificate by serial (its holder, its issuer or an admin)`;

/** The status lines of the PKI guide, then the certificates the caller may see. */
async function status(client: SealbinClient): Promise<void> {
  const s = await pkiStatus(client);
  if (!s.enabled) {
    await out("PKI Status\nPKI enabled: no\n");
    return;
  }
  const lines = ["PKI Status", `CA initialized: ${s.ca_exists ? "yes" : "no"}`];
  if (s.ca_exists) {
    lines.push(`CA fingerprint: ${s.fingerprint_sha1}`, `CA expires: ${date(s.expires_at).slice(0, 10)}`);
    if (s.issued !== undefined) lines.push(`Issued certs: ${s.issued}`, `Revoked: ${s.revoked}`);
    const certs = await listCertificates(client);
    if (certs.count > 0) {
      lines.push("", "SERIAL                            STATUS   EXPIRES     NAME");
      for (const c of certs.certificates)
        lines.push(
          `${c.serial}  ${String(c.status).padEnd(7)}  ${date(c.expires_at).slice(0, 10)}  ${c.common_name}`,
        );
    }
  }
  await out(`${lines.join("\n")}\n`);
}

async function download(client: SealbinClient, v: Values): Promise<void> {
  const output = str(v, "output");
  if (!output && flag(v, "configure")) throw new CliError(2, "--configure needs -o FILE");
  const pem = await caCertificate(client);
  if (!output) {
    await out(pem);
    return;
  }
  const file = path.resolve(output);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, pem);
  info(`CA certificate saved to ${file}`);
  if (flag(v, "configure")) info(`configured: ${writeConfig({ ca_cert: file })}`);
}

async function issue(client: SealbinClient, v: Values, name: string): Promise<void> {
  const dir = str(v, "output") ?? ".";
  const force = flag(v, "force");
  refuseToReplace(dir, force);
  const issued = await issueCertificate(client, name);
  await saveCertificate({
    dir,
    certificatePem: issued.certificate_pem,
    privateKeyPem: issued.private_key_pem,
    fingerprint: issued.fingerprint_sha1,
    force,
    configure: flag(v, "configure"),
    summary: `issued ${issued.common_name} (serial ${issued.serial}), expires ${date(issued.expires_at)}`,
  });
}

export const pkiCommand: Command = {
  usage: USAGE,
  options: {
    name: { type: "string", short: "n" },
    output: { type: "string", short: "o" },
    configure: { type: "boolean" },
    force: { type: "boolean" },
  },
  allowPositionals: true,
  async run(v, positionals) {
    const [sub, ...rest] = positionals;
    const config = loadConfig(v);
    if (sub === "status") await status(makeClient(config));
    else if (sub === "download") await download(makeClient(config), v);
    else if (sub === "issue") {
      const name = str(v, "name");
      if (!name) throw new CliError(2, "pki issue needs -n NAME");
      await issue(makeClient(config), v, name);
    } else if (sub === "revoke") {
      const serial = rest[0] ?? "";
      if (rest.length !== 1 || !/^[0-9a-f]{1,64}$/i.test(serial))
        throw new CliError(2, "pki revoke needs one certificate serial (hex)");
      const r = await revokeCertificate(makeClient(config), serial);
      info(`${r.message}: ${r.serial}`);
    } else throw new CliError(2, `pki needs status, download, issue or revoke\n\n${USAGE}`);
    return 0;
  },
};
