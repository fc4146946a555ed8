import { readFile } from "node:fs/promises";
import type { Server } from "node:https";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { Config } from "../config/config.ts";
import type { Store } from "../store/store.ts";

/** What Node's HTTPS server needs to terminate TLS, and mTLS when a client CA is known. */
export interface TlsOptions {
  key: Buffer;
  cert: Buffer;
  /** Empty means "trust no client certificate" (never the system roots: see below). */
  ca: string[];
  requestCert: boolean;
  rejectUnauthorized: false;
  minVersion: "TLSv1.2";
}

export function tlsEnabled(config: Config): boolean {
  return config.tlsCert !== "";
}

/**
 * Reads the certificate files and the client CA: SEALBIN_TLS_CLIENT_CA, or the built-in PKI's CA
 * from the store. `ca` is never left undefined, since Node would then verify client certificates
 * against the public roots, and any certificate a public CA signed would count as verified.
 */
export async function loadTlsOptions(config: Config, store: Pick<Store, "pki">): Promise<TlsOptions> {
  const [key, cert] = await Promise.all([readFile(config.tlsKey), readFile(config.tlsCert)]);
  let ca: string[] = [];
  if (config.tlsClientCa !== "") ca = [await readFile(config.tlsClientCa, "utf8")];
  else if (config.pkiEnabled) {
    const builtIn = await store.pki.getCa();
    if (builtIn) ca = [builtIn.certificatePem];
  }
  return {
    key,
    cert,
    ca,
    // Asked for, never required: anonymous clients still paste.
    requestCert: config.tlsClientCa !== "" || config.pkiEnabled,
    rejectUnauthorized: false,
    minVersion: "TLSv1.2",
  };
}

/**
 * The fingerprint of the certificate the client presented on this connection, when it verified
 * against the client CA; null for no certificate or one that does not verify.
 */
export function verifiedPeerFingerprint(socket: Socket): string | null {
  const tlsSocket = socket as TLSSocket;
  if (typeof tlsSocket.getPeerCertificate !== "function" || !tlsSocket.authorized) return null;
  const fingerprint = tlsSocket.getPeerCertificate().fingerprint;
  return typeof fingerprint === "string" ? fingerprint.replaceAll(":", "").toLowerCase() : null;
}

/**
 * Keeps the HTTPS server's credentials current: reload() re-reads the files (SIGHUP, a renewed
 * certificate) and the built-in CA (created after start, here or by another process).
 */
export class TlsReloader {
  private readonly deps: { config: Config; store: Pick<Store, "pki">; server: Server };
  private caKnown: boolean;
  private timer: NodeJS.Timeout | undefined;

  constructor(deps: { config: Config; store: Pick<Store, "pki">; server: Server }, initial: TlsOptions) {
    this.deps = deps;
    this.caKnown = initial.ca.length > 0;
  }

  async reload(): Promise<void> {
    const options = await loadTlsOptions(this.deps.config, this.deps.store);
    this.deps.server.setSecureContext(options);
    this.caKnown = options.ca.length > 0;
  }

  /** While the built-in CA does not exist yet, look for it every `seconds` (another process may create it). */
  watchForCa(seconds: number, onError: (err: unknown) => void): void {
    const { config } = this.deps;
    if (this.caKnown || config.tlsClientCa !== "" || !config.pkiEnabled) return;
    this.timer = setInterval(async () => {
      try {
        if (await this.deps.store.pki.getCa()) {
          await this.reload();
          this.stop();
        }
      } catch (err) {
        onError(err);
      }
    }, seconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
