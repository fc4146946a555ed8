/**
 * The page's proof-of-work in headless Chromium: its Web Workers run the WebAssembly SIMD search
 * under the pages' policies (the worker's own allows 'wasm-unsafe-eval' and nothing more), and fall
 * back to the scalar search when a policy forbids compiling WebAssembly.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { PAGE_CSP, WORKER_CSP } from "../../src/features/web/web.routes.ts";
import { startServer, type TestServer } from "../helpers/server.ts";
import { createOn, openBrowser, type WebSession } from "../helpers/web-browser.ts";

/** The engines the page's solves used: browser-pow.ts leaves a performance mark per solve. */
const enginesOf = (page: Page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType("mark")
      .map((m) => m.name)
      .filter((name) => name.startsWith("sealbin-pow ")),
  );

describe("the page's proof-of-work in a real browser", () => {
  let server: TestServer;
  let session: WebSession;

  before(async () => {
    server = await startServer({ powDifficulty: 16, antiflood: false });
    session = await openBrowser();
  });
  after(async () => {
    await session?.close();
    await server?.close();
    assert.deepEqual(session?.cspViolations, [], "no Content Security Policy violation on any page");
  });

  it("serves the worker under a policy that allows compiling WebAssembly and nothing else", async () => {
    const worker = await fetch(`${server.url}/static/pow-worker.js`);
    assert.equal(worker.status, 200);
    assert.equal(worker.headers.get("content-security-policy"), WORKER_CSP);
    assert.equal(WORKER_CSP, "default-src 'none'; script-src 'wasm-unsafe-eval'; frame-ancestors 'none'");
    const page = await fetch(`${server.url}/`, { headers: { accept: "text/html" } });
    assert.equal(page.headers.get("content-security-policy"), PAGE_CSP);
  });

  it("solves a difficulty-16 challenge with the WebAssembly SIMD search in its workers", async () => {
    const page = await session.newPage();
    try {
      const link = await createOn(page, server, { text: "solved in SIMD lanes" });
      assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]+#/);
      assert.deepEqual(await enginesOf(page), [`sealbin-pow wasm-simd ×${await threadsOf(page)}`]);
      const id = new URL(link).pathname.slice(1);
      assert.equal((await fetch(`${server.url}/${id}/raw`)).status, 200, "the paste was stored");
    } finally {
      await page.close();
    }
  });

  it("a worker started by hand reports the engine and a solution that meets the difficulty", async () => {
    const page = await session.newPage();
    try {
      await page.goto(`${server.url}/`);
      const heard = await page.evaluate(
        (workerUrl) =>
          new Promise<unknown[]>((resolve) => {
            const messages: unknown[] = [];
            const worker = new Worker(workerUrl);
            worker.onmessage = (e) => {
              if (e.data.tried === undefined) messages.push(e.data);
              if (e.data.solution === undefined) return;
              worker.terminate();
              resolve(messages);
            };
            worker.postMessage({
              nonce: "5f4dcc3b5aa765d61d8327deb882cf99",
              difficulty: 20,
              start: 0,
              step: 1,
            });
          }),
        `${server.url}/static/pow-worker.js`,
      );
      assert.deepEqual(heard, [{ engine: "wasm-simd" }, { solution: 483159 }]);
    } finally {
      await page.close();
    }
  });

  it("falls back to the scalar search when the worker's policy forbids WebAssembly, and still solves", async () => {
    // A browser context of its own: the policy refusal it provokes is not the session's business.
    const context = await session.browser.newContext();
    try {
      await context.route("**/static/pow-worker.js", async (route) => {
        const response = await route.fetch();
        const headers = { ...response.headers(), "content-security-policy": "default-src 'none'" };
        await route.fulfill({ response, headers });
      });
      const page = await context.newPage();
      const link = await createOn(page, server, { text: "solved one hash at a time" });
      assert.match(link, /#/);
      assert.deepEqual(await enginesOf(page), [`sealbin-pow scalar ×${await threadsOf(page)}`]);
    } finally {
      await context.close();
    }
  });
});

/** The page's worker count: navigator.hardwareConcurrency, at most 8 (src/client/pow-solver.ts). */
const threadsOf = (page: Page) =>
  page.evaluate(() => Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2)));
