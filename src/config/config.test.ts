import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { renderConfigDocs } from "./config.docs.ts";
import { forms } from "./config.schema.ts";
import { ConfigError, loadConfig } from "./config.ts";

describe("configuration", () => {
  it("uses the README's defaults when nothing is set", () => {
    const config = loadConfig({});
    assert.equal(config.host, "127.0.0.1");
    assert.equal(config.port, 5000);
    assert.equal(config.db, "./data/sealbin.db");
    assert.equal(config.trustProxyHops, 0);
    assert.equal(config.idLength, 12);
    assert.equal(config.maxAnon, 3_145_728);
    assert.equal(config.maxAuth, 52_428_800);
    assert.equal(config.minSize, 0);
    assert.equal(config.expiryAnon, 86_400);
    assert.equal(config.expiryUntrusted, 604_800);
    assert.equal(config.expiryTrusted, 2_592_000);
    assert.equal(
      config.maxExpiry,
      7_776_000,
      "MAX_EXPIRY follows the README (90 days), not the API reference",
    );
    assert.equal(config.proxySecret, "");
  });

  it("reads SEALBIN_ names", () => {
    const config = loadConfig({
      SEALBIN_PORT: "8080",
      SEALBIN_MAX_ANON: "1000",
      SEALBIN_TRUST_PROXY_HOPS: "2",
    });
    assert.equal(config.port, 8080);
    assert.equal(config.maxAnon, 1000);
    assert.equal(config.trustProxyHops, 2);
  });

  it("accepts the FLASKPASTE_ names the seeds document, so an existing deployment's environment works", () => {
    const config = loadConfig({
      FLASKPASTE_DB: "/srv/pastes.db",
      FLASKPASTE_ID_LENGTH: "16",
      FLASKPASTE_MAX_EXPIRY: "3600",
      FLASKPASTE_PROXY_SECRET: "s3cret",
      FLASKPASTE_EXPIRY_ANON: "120",
    });
    assert.equal(config.db, "/srv/pastes.db");
    assert.equal(config.idLength, 16);
    assert.equal(config.maxExpiry, 3600);
    assert.equal(config.proxySecret, "s3cret");
    assert.equal(config.expiryAnon, 120);
  });

  it("prefers SEALBIN_ over FLASKPASTE_ when both are set", () => {
    assert.equal(loadConfig({ SEALBIN_ID_LENGTH: "20", FLASKPASTE_ID_LENGTH: "16" }).idLength, 20);
  });

  it("does not invent FLASKPASTE_ aliases the seeds never documented", () => {
    assert.equal(loadConfig({ FLASKPASTE_PORT: "9999" }).port, 5000);
  });

  it("stops on an invalid value with a message naming the variable and the expected form", () => {
    assert.throws(
      () => loadConfig({ SEALBIN_PORT: "http", FLASKPASTE_MAX_ANON: "-5" }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /SEALBIN_PORT must be an integer from 0 to 65535 \(got "http"\)/);
        assert.match(err.message, /FLASKPASTE_MAX_ANON must be an integer from 1 to /);
        return true;
      },
    );
  });

  it("refuses numbers in forms an integer is not: 1e3, 12x, 1.5, empty", () => {
    for (const raw of ["1e3", "12x", "1.5", "", " "]) {
      assert.throws(() => loadConfig({ SEALBIN_ID_LENGTH: raw }), ConfigError, raw);
    }
  });

  it("accepts booleans as 1/0, true/false, yes/no in any case, and nothing else", () => {
    const bool = forms.boolean();
    for (const raw of ["1", "true", "TRUE", "Yes", "yes"]) assert.equal(bool.parse(raw), true, raw);
    for (const raw of ["0", "false", "False", "NO", "no"]) assert.equal(bool.parse(raw), false, raw);
    for (const raw of ["on", "2", "", "y"])
      assert.throws(() => bool.parse(raw), /a boolean: 1\/0, true\/false or yes\/no/);
  });

  it("checks the URL prefix's form", () => {
    assert.equal(loadConfig({ SEALBIN_URL_PREFIX: "/paste" }).urlPrefix, "/paste");
    assert.throws(() => loadConfig({ SEALBIN_URL_PREFIX: "paste/" }), /SEALBIN_URL_PREFIX must be/);
  });

  it("needs the TLS certificate and key together", () => {
    assert.throws(
      () => loadConfig({ SEALBIN_TLS_CERT: "/x/server.crt" }),
      /TLS_CERT and SEALBIN_TLS_KEY must be set together/,
    );
    assert.throws(() => loadConfig({ SEALBIN_TLS_KEY: "/x/server.key" }), ConfigError);
    const both = loadConfig({ SEALBIN_TLS_CERT: "/x/server.crt", SEALBIN_TLS_KEY: "/x/server.key" });
    assert.equal(both.tlsClientCa, "");
  });

  it("reads the log level in any case", () => {
    assert.equal(loadConfig({ SEALBIN_LOG_LEVEL: "DEBUG" }).logLevel, "debug");
    assert.throws(() => loadConfig({ SEALBIN_LOG_LEVEL: "verbose" }), /one of fatal, error/);
  });

  it("is documented in docs/configuration.md exactly as the schema says (npm run docs:config)", () => {
    const onDisk = readFileSync(new URL("../../docs/configuration.md", import.meta.url), "utf8");
    assert.ok(onDisk === renderConfigDocs(), "docs/configuration.md is stale: run npm run docs:config");
  });
});
