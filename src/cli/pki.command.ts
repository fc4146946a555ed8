import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { SealbinClient } from "../client/client.ts";
import { ClientError } from "../client/errors.ts";
import {
  caCertificate,
  issueCertificate,
  listCertificates,
  pkiStatus,
  revokeCertificate,
} from "../client/pki.ts";
import { confirmIdentityChange, refuseToReplace, SAVE_OPTIONS, saveCertificate } from "./certificates.ts";
import { CliError, type Command, flag, str, type Values } from "./command.ts";
import { type Config, configDir, loadConfig, makeClient, writeConfig } from "./config.ts";
import { info, out } from "./output.ts";
import { checkTarget, writeSafely } from "./safe-file.ts";
import { date } from "./units.ts";

const USAGE = `sealbin pki status
sealbin pki download [-o FILE] [--configure] [--force]
sealbin pki issue -n NAME [-o DIR] [--configure [--yes]] [--force]
sealbin pki revoke SERIAL

  status     the CA, issue counts, and the certificates you hold or issued (with serials)
  download   the CA certificate (stdout, or -o FILE; --configure makes it the config's ca_cert,
             saved as ca.crt in the config directory unless -o); its fingerprint is shown to
             compare with your admin's
  issue      have the CA issue a certificate (admin); saves client.crt and client.key; with
             --configure, asks before replacing the identity in use (--yes: without asking)
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

const sha1 = (cert: crypto.X509Certificate) => cert.fingerprint.replaceAll(":", "").toLowerCase();

/**
 * The CA certificate, fetched over a connection this machine trusts — or, when no CA it trusts
 * signed the server's certificate (the very reason to download this one), fetched anyway and kept
 * only if it is the CA that signed the certificate the server presents: trust on first use, with the
 * fingerprint shown to compare with the admin's.
 */
async function fetchCa(config: Config): Promise<{ pem: Uint8Array; unvouched: boolean }> {
  try {
    return { pem: await caCertificate(makeClient(config)), unvouched: false };
  } catch (err) {
    if (!(err instanceof ClientError) || err.reason !== "untrusted-certificate") throw err;
  }
  let chain: Uint8Array[] = [];
  const client = makeClient(config, config.server, {
    insecure: true,
    onPeerCertificates: (c) => (chain = c),
  });
  const pem = await caCertificate(client);
  let ca: crypto.X509Certificate;
  try {
    ca = new crypto.X509Certificate(pem);
  } catch {
    throw new CliError(1, "the server's answer to GET /pki/ca.crt is not a certificate: nothing saved");
  }
  const signedByCa = chain.some((der) => {
    const cert = new crypto.X509Certificate(der);
    return cert.fingerprint256 === ca.fingerprint256 || (cert.checkIssued(ca) && cert.verify(ca.publicKey));
  });
  if (!signedByCa) {
    throw new CliError(1, "the CA the server sent did not sign the certificate it presents: nothing saved", [
      "ask your admin for the CA file that signed the server's certificate, then: sealbin config set ca_cert FILE",
    ]);
  }
  return { pem, unvouched: true };
}

async function download(config: Config, v: Values): Promise<void> {
  // --configure alone keeps the CA in the config directory.
  const output = str(v, "output") ?? (flag(v, "configure") ? path.join(configDir(), "ca.crt") : undefined);
  if (output) checkTarget(output, flag(v, "force"));
  const { pem, unvouched } = await fetchCa(config);
  if (output) {
    const file = path.resolve(output);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await writeSafely(file, pem, flag(v, "force"));
    info(`CA certificate saved to ${file}`);
  }
  try {
    if (output || unvouched) info(`CA fingerprint (SHA-1): ${sha1(new crypto.X509Certificate(pem))}`);
  } catch {}
  if (unvouched) {
    info(
      "nothing on this machine vouched for it: it is the CA that signed the server's certificate, but compare the fingerprint with your admin's (sealbin pki status shows it)",
    );
  }
  if (!output) {
    await out(pem);
    return;
  }
  if (flag(v, "configure")) info(`configured: ${writeConfig({ ca_cert: path.resolve(output) })}`);
}

async function issue(config: Config, v: Values, name: string): Promise<void> {
  const client = makeClient(config);
  const dir = str(v, "output") ?? ".";
  const force = flag(v, "force");
  refuseToReplace(dir, force);
  await confirmIdentityChange(v, config, `${name}'s certificate`);
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
    ...SAVE_OPTIONS,
  },
  allowPositionals: true,
  async run(v, positionals) {
    const [sub, ...rest] = positionals;
    const config = loadConfig(v);
    if (sub === "status") await status(makeClient(config));
    else if (sub === "download") await download(config, v);
    else if (sub === "issue") {
      const name = str(v, "name");
      if (!name) throw new CliError(2, "pki issue needs -n NAME");
      await issue(config, v, name);
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
