#!/usr/bin/env node
// The server command. Runs on the Node.js 24 that `npm install` brings (node_modules/.bin/node).
import { runCommand } from "../src/commands.ts";
import { main } from "../src/main.ts";

const args = process.argv.slice(2);
const run = args.length === 0 ? main().then(() => undefined) : runCommand(args, process.env);
run
  .then((code) => {
    if (code !== undefined) process.exit(code);
  })
  .catch((err) => {
    process.stderr.write(`sealbin-server: ${err?.stack ?? err}\n`);
    process.exit(1);
  });
