#!/usr/bin/env node
// The server command. Runs on the Node.js 24 that `npm install` brings (node_modules/.bin/node).
import { main } from "../src/main.ts";

main().catch((err) => {
  process.stderr.write(`sealbin-server: ${err?.stack ?? err}\n`);
  process.exit(1);
});
