import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { renderConfigDocs } from "./config.docs.ts";
import { forms, type Setting, settings } from "./config.schema.ts";
import { ConfigError, envNames, loadConfig, unknownVariables, withEnvFile } from "./config.ts";

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

describe("variables sealbin does not know", () => {
  it("a misspelt setting is reported with the nearest known name", () => {
    assert.deepEqual(unknownVariables({ SEALBIN_POW_DIFICULTY: "0" }), [
      "SEALBIN_POW_DIFICULTY is not a sealbin setting and is ignored: did you mean SEALBIN_POW_DIFFICULTY?",
    ]);
    assert.match(unknownVariables({ SEALBIN_RATELIMIT: "0" })[0] ?? "", /did you mean SEALBIN_RATE_LIMIT\?$/);
    assert.match(unknownVariables({ SEALBIN_PROT: "80" })[0] ?? "", /did you mean SEALBIN_PORT\?$/);
    assert.match(unknownVariables({ sealbin_port: "80" })[0] ?? "", /did you mean SEALBIN_PORT\?$/);
    assert.match(
      unknownVariables({ SEALBIN_DIFFICULTY: "0" })[0] ?? "",
      /did you mean SEALBIN_POW_DIFFICULTY\?$/,
    );
  });

  it("a FLASKPASTE_ name sealbin has only as SEALBIN_ points to that name", () => {
    assert.match(unknownVariables({ FLASKPASTE_PORT: "80" })[0] ?? "", /did you mean SEALBIN_PORT\?$/);
    assert.match(
      unknownVariables({ FLASKPASTE_POW_DIFICULTY: "0" })[0] ?? "",
      /did you mean FLASKPASTE_POW_DIFFICULTY\?$/,
    );
    assert.match(
      unknownVariables({ FLASKPASTE_EXPIRY: "3600" })[0] ?? "",
      /FLASKPASTE_EXPIRY_ANON, FLASKPASTE_EXPIRY_UNTRUSTED and FLASKPASTE_EXPIRY_TRUSTED$/,
    );
  });

  it("a name near no setting is still reported, pointing to the documentation", () => {
    assert.deepEqual(unknownVariables({ SEALBIN_WHATEVER_ELSE: "1" }), [
      "SEALBIN_WHATEVER_ELSE is not a sealbin setting and is ignored (every setting: docs/configuration.md)",
    ]);
  });

  it("every setting's names, the CLI's and the test suite's variables are not reported", () => {
    const env: Record<string, string> = { PATH: "/bin", NODE_ENV: "production" };
    for (const s of Object.values(settings) as Setting<unknown>[]) for (const n of envNames(s)) env[n] = "x";
    for (const n of ["SERVER", "CERT_SHA1", "CLIENT_CERT", "CLIENT_KEY", "CA_CERT", "TOKEN"]) {
      env[`SEALBIN_${n}`] = "x";
      env[`FLASKPASTE_${n}`] = "x";
    }
    Object.assign(env, { SEALBIN_CONFIG: "x", SEALBIN_PASSWORD: "x", SEALBIN_FUZZ_SEED: "1" });
    Object.assign(env, { SEALBIN_TEST_BACKENDS: "sqlite", SEALBIN_TEST_ANYTHING_NEW: "1" });
    assert.deepEqual(unknownVariables(env), []);
  });

  it("every SEALBIN_ and FLASKPASTE_ name the repository uses is a setting or a known non-server name", () => {
    // So that no test, script or document passes the server a variable it would warn about.
    const repo = new URL("../../", import.meta.url).pathname;
    const deliberate = new Set([
      "SEALBIN_NAME", // "SEALBIN_NAME" and "FLASKPASTE_NAME": the schema's placeholders
      "FLASKPASTE_NAME",
      "SEALBIN_POW_DIFICULTY", // the misspelling the documents and tests use as their example
      "FLASKPASTE_POW_DIFICULTY",
      "FLASKPASTE_PORT", // names tests show are not read
      "FLASKPASTE_EXPIRY",
      "SEALBIN_RATELIMIT",
      "SEALBIN_PROT",
      "SEALBIN_DIFFICULTY",
      "SEALBIN_WHATEVER_ELSE",
      "SEALBIN_MAX_AUHT",
      "SEALBIN_TEST_ANYTHING_NEW",
    ]);
    const found = new Map<string, string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(join(repo, dir), { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!["node_modules", ".git", "data", "test-artifacts"].includes(entry.name)) walk(path);
        } else if (
          /\.(ts|js|cjs|mjs|md|ya?ml|ini|conf|cfg|service|json)$|^(Containerfile|run)$/.test(entry.name)
        ) {
          if (statSync(join(repo, path)).size > 2_000_000) continue;
          for (const [name] of readFileSync(join(repo, path), "utf8").matchAll(
            /\b(?:SEALBIN|FLASKPASTE)_[A-Z0-9_]*[A-Z0-9]\b/g,
          )) {
            if (!found.has(name)) found.set(name, path);
          }
        }
      }
    };
    walk(".");
    const unexpected = [...found]
      .filter(([name]) => !deliberate.has(name) && unknownVariables({ [name]: "x" }).length > 0)
      .map(([name, path]) => `${name} (${path})`);
    assert.deepEqual(unexpected, [], "a new non-server name belongs in NOT_SERVER_SETTINGS (config.ts)");
  });
});

describe("the .env file", () => {
  it("adds its variables to the environment, and a variable the environment sets wins", () => {
    const dir = mkdtempSync(join(tmpdir(), "sealbin-env-"));
    try {
      const file = join(dir, ".env");
      writeFileSync(
        file,
        '# settings\nSEALBIN_PORT=8080\nSEALBIN_LOG_LEVEL="warn"\nexport SEALBIN_DB=/srv/x.db\n',
      );
      const { env, read } = withEnvFile({ SEALBIN_PORT: "9090", PATH: "/bin" }, file);
      assert.equal(read, true);
      assert.equal(env.SEALBIN_PORT, "9090");
      assert.equal(env.SEALBIN_LOG_LEVEL, "warn");
      assert.equal(env.SEALBIN_DB, "/srv/x.db");
      assert.equal(env.PATH, "/bin");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is optional, but one that exists and cannot be read stops start-up", () => {
    const dir = mkdtempSync(join(tmpdir(), "sealbin-env-"));
    try {
      const env = { SEALBIN_PORT: "1" };
      assert.deepEqual(withEnvFile(env, join(dir, ".env")), { env, read: false });
      mkdirSync(join(dir, "dir.env"));
      assert.throws(() => withEnvFile(env, join(dir, "dir.env")), /dir\.env cannot be read \(EISDIR\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
