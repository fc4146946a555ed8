/**
 * What to do next, for a failure the client reports: every refusal says why (the server's status
 * and words, from errors.ts) and, here, what would help — an identity to get, a certificate that was
 * revoked, a CA to trust, the http:// a server actually speaks. Decided on the error's kind, status,
 * code and reason, never on its message alone.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import { ClientError } from "../client/errors.ts";
import type { Values } from "./command.ts";
import { type Config, hasIdentity, loadConfigWithSources, makeClient, readSession } from "./config.ts";
import { normaliseSerial, revokedSerials } from "./crl.ts";

export interface FailureContext {
  /** The command and its first positional (`short list`, `pki issue`…). */
  readonly command: string;
  readonly sub?: string;
  readonly values: Values;
}

const said = (err: ClientError, code: string, words: string) =>
  err.code === code || err.serverMessage === words;

/** The serial of the configured client certificate, when there is one to read. */
function ourSerial(config: Config): string | undefined {
  if (!config.client_cert) return undefined;
  try {
    return normaliseSerial(new crypto.X509Certificate(fs.readFileSync(config.client_cert)).serialNumber);
  } catch {
    return undefined;
  }
}

/** Whether the server's CRL lists our certificate (undefined: it could not be told). */
async function isRevoked(config: Config, server: string): Promise<{ serial: string } | undefined> {
  const serial = ourSerial(config);
  if (!serial) return undefined;
  try {
    // For advice only: a forged CRL could at worst change a hint, so its signature is not checked.
    const crl = await makeClient(config, server).bytes("/pki/crl");
    return revokedSerials(crl.body).has(serial) ? { serial } : undefined;
  } catch {
    return undefined;
  }
}

/** For a 401 "Authentication required": no identity, a revoked one, or one the server did not see. */
async function identityAdvice(ctx: FailureContext, config: Config): Promise<string[]> {
  const what =
    ctx.sub && ["short", "pki", "admin"].includes(ctx.command) ? `${ctx.command} ${ctx.sub}` : ctx.command;
  const session = readSession();
  const signedIn = session !== null && session.server === config.server;
  if (!config.cert_sha1 && !config.client_cert && !signedIn) {
    return [
      `${what} needs an identity, and none is configured: get a certificate with sealbin register --configure (where the server's PKI registers users),`,
      "or sign in to an account with sealbin account login -u NAME (its token identifies you), or configure cert_sha1 behind a proxy that forwards it",
    ];
  }
  const revoked = await isRevoked(config, config.server);
  if (revoked) {
    return [
      `your certificate (serial ${revoked.serial}, ${config.client_cert}) was revoked by the server's PKI: it no longer identifies you`,
      "get a new one with sealbin register --configure --force, or ask an admin to issue one (sealbin pki issue)",
    ];
  }
  if (signedIn && !config.cert_sha1 && !config.client_cert) {
    return ["your account session may have expired: sign in again with sealbin account login -u NAME"];
  }
  return [
    /^https:/i.test(config.server)
      ? "the server did not accept your certificate: check client_cert and client_key (sealbin config show), and that its CA still knows it"
      : "the server did not see your certificate: over http://, only a proxy it trusts can forward cert_sha1 (sealbin terminating TLS needs an https:// URL with client_cert and client_key)",
  ];
}

function unreachableAdvice(err: ClientError, config: Config, serverFrom: string): string[] {
  const origin = err.origin ?? config.server;
  switch (err.reason) {
    case "plain-http": {
      const plain = origin.replace(/^https:/i, "http:");
      return [`use ${plain} (sealbin config server ${plain}, or -s ${plain})`];
    }
    case "untrusted-certificate":
      return config.ca_cert
        ? [
            `the CA in ca_cert (${config.ca_cert}) did not sign it: if it is this server's own CA that changed, fetch it again with sealbin pki download --configure --force`,
          ]
        : [
            "if the server has its own CA (sealbin's PKI), trust it with sealbin pki download --configure (it shows the CA's fingerprint: compare it with your admin's)",
            "or set ca_cert to the PEM file of the CA that signed the server's certificate: sealbin config set ca_cert FILE",
          ];
    case "proxy-refused":
      return ["NO_PROXY lists the hosts to reach without the proxy"];
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return err.origin === config.server.replace(/^(https?:\/\/[^/]+).*$/i, "$1")
        ? [
            `is the server running at ${config.server}? that URL comes from ${serverFrom} (sealbin config show)`,
          ]
        : [];
    default:
      return [];
  }
}

/** The hints for a failure (none when the message says it all). */
export async function adviceFor(err: unknown, ctx: FailureContext): Promise<string[]> {
  if (!(err instanceof ClientError)) return [];
  let loaded: ReturnType<typeof loadConfigWithSources>;
  try {
    loaded = loadConfigWithSources(ctx.values);
  } catch {
    return [];
  }
  const { config, sources } = loaded;
  if (err.kind === "unreachable") return unreachableAdvice(err, config, sources.server);
  if (err.kind === "too-large" && err.body?.authenticated === false && hasIdentity(config)) {
    return [
      "an identity is configured, but the server did not take you as authenticated: sealbin list shows whether it knows you",
    ];
  }
  if (err.kind !== "refused") return [];
  if (err.status === 401 && said(err, "authentication_required", "Authentication required"))
    return identityAdvice(ctx, config);
  if (err.status === 404 && said(err, "pki_disabled", "PKI not enabled"))
    return [
      "this server has no PKI: it issues no certificates (sealbin cert --configure makes a self-signed one, which servers trust less)",
    ];
  if (err.status === 403 && said(err, "registration_disabled", "Registration disabled"))
    return [
      "registration is closed on this server: ask an admin to issue you a certificate (sealbin pki issue -n NAME)",
    ];
  if (err.status === 403 && said(err, "admin_required", "Admin access required"))
    return ["only an admin may do this: the first user to register with the server's PKI is its admin"];
  return [];
}
