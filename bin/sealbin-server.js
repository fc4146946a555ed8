#!/usr/bin/env node
// The server command. Runs on the Node.js 24 that `npm install` brings (node_modules/.bin/node).
//
// Plain JavaScript that any Node.js parses, so that an older one (a system Node 20 running
// `node bin/sealbin-server.js`) is told what to do in one line instead of failing on the first
// TypeScript import (ERR_UNKNOWN_FILE_EXTENSION): the server's modules are imported only after the check.

import { existsSync } from "node:fs";

// The rule of package.json's "engines" (^22.18.0 || >=23.8.0): TypeScript without flags (type
// stripping, on by default since 22.18) and node:sqlite with its online backup (22.16, 23.8).
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (!(major > 23 || (major === 23 && minor >= 8) || (major === 22 && minor >= 18))) {
  const found = `sealbin-server: Node.js ${process.versions.node} is too old (22.18 or later is needed)`;
  // The `node` package is an optional dependency: an install that skipped it leaves the system's Node.
  const brought = existsSync(new URL("../node_modules/node/bin/node", import.meta.url));
  process.stderr.write(
    brought
      ? `${found}: run \`npm start\`, which uses the Node.js 24 that \`npm install\` brings (node_modules/.bin/node), or Node.js 24 itself\n`
      : `${found}, and the \`node\` package that brings Node.js 24 is not installed: run \`npm install\` (without --omit=optional), or install Node.js 24\n`,
  );
  process.exit(2);
}

// Node keeps the stripped and compiled modules on disk: later starts skip stripping every file
// again (about 0.2 s and 17 MiB of the type stripper at each start). Before the first .ts import.
(await import("node:module")).enableCompileCache?.();

const args = process.argv.slice(2);
const run = async () => {
  // The server alone does not load what only the commands need (the PKI's libraries among them).
  if (args.length === 0) {
    const { main } = await import("../src/main.ts");
    return main().then(() => undefined);
  }
  const { runCommand } = await import("../src/commands.ts");
  const { ConfigError, withEnvFile } = await import("../src/config/config.ts");
  // The server reads ./.env in main(); the commands (backup, pki…) read the same settings.
  try {
    return await runCommand(args, withEnvFile(process.env).env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`sealbin-server: ${err.message}\n`);
    return 2;
  }
};
run()
  .then((code) => {
    if (code !== undefined) process.exit(code);
  })
  .catch((err) => {
    process.stderr.write(`sealbin-server: ${err?.stack ?? err}\n`);
    process.exit(1);
  });
