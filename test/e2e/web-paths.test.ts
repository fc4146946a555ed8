import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { toolPath } from "../../scripts/system-deps.ts";
import { PAGE_CSP } from "../../src/features/web/web.routes.ts";
import { jsonOf, startServer, type TestServer } from "../helpers/server.ts";

/** Debian's Chromium, launched as test/e2e/web.test.ts launches it. */
const CHROMIUM = toolPath("chromium");
const FAVICON = readFileSync(new URL("../../web/favicon.ico", import.meta.url));
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const NO_INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>/;

/**
 * An error body as the reference documents it: its `error`, exactly; the machine-readable `code`
 * sealbin adds beside it (a string when present) is checked apart, so that this test guards the
 * documented words.
 */
/** The documented error body, whole: the reference's message and sealbin's code (docs/api.md). */
async function documentedError(res: Response): Promise<Record<string, unknown>> {
  return await jsonOf(res);
}

describe("paths a browser or a crawler asks for on its own, over HTTP", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("serves /favicon.ico as an icon, not as a paste ID (which it is not)", async () => {
    const res = await fetch(`${server.url}/favicon.ico`, { headers: { accept: "image/*" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/vnd.microsoft.icon");
    const body = Buffer.from(await res.arrayBuffer());
    assert.deepEqual(body, FAVICON);
    assert.deepEqual([...body.subarray(0, 4)], [0, 0, 1, 0], "an ICO file");
    const etag = res.headers.get("etag") ?? "";
    assert.match(etag, /^"[A-Za-z0-9_-]+"$/);
    const again = await fetch(`${server.url}/favicon.ico`, { headers: { "if-none-match": etag } });
    assert.equal(again.status, 304);
    const head = await fetch(`${server.url}/favicon.ico`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-type"), "image/vnd.microsoft.icon");
    const post = await fetch(`${server.url}/favicon.ico`, { method: "POST", body: "x" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
  });

  it("serves /robots.txt keeping crawlers off everything but the front page: a paste's link is its capability", async () => {
    const res = await fetch(`${server.url}/robots.txt`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
    const rules = (await res.text())
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => l.trim());
    assert.deepEqual(rules, ["User-agent: *", "Allow: /$", "Disallow: /"]);
  });

  it("puts SEALBIN_URL_PREFIX in front of the paths robots.txt and the not-found page name", async () => {
    const prefixed = await startServer({ urlPrefix: "/paste" });
    try {
      const rules = await (await fetch(`${prefixed.url}/robots.txt`)).text();
      assert.match(rules, /^Allow: \/paste\/\$$/m);
      assert.match(rules, /^Disallow: \/paste\/$/m);
      const page = await (
        await fetch(`${prefixed.url}/no/such/page`, { headers: { accept: BROWSER_ACCEPT } })
      ).text();
      assert.match(page, /href="\/paste\/static\/app\.css"/);
      assert.match(page, /href="\/paste\/favicon\.ico"/);
    } finally {
      await prefixed.close();
    }
  });

  it("answers a browser's unknown path with the HTML not-found page, under the pages' policy and with no inline script", async () => {
    for (const path of ["/no/such/page", "/static/no-such-asset.js", "/docs/nope"]) {
      const res = await fetch(`${server.url}${path}`, { headers: { accept: BROWSER_ACCEPT } });
      assert.equal(res.status, 404, path);
      assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8", path);
      assert.equal(res.headers.get("content-security-policy"), PAGE_CSP, path);
      assert.equal(res.headers.get("vary"), "Accept", path);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
      const html = await res.text();
      assert.doesNotMatch(html, NO_INLINE_SCRIPT, "no inline script");
      assert.doesNotMatch(html, /<script/, "no script at all");
      assert.match(html, /<h1>Not found<\/h1>/);
      assert.match(html, /href="\/"/, "a way back to the create page");
    }
  });

  it("keeps the documented JSON errors, exactly, for API clients: JSON, */*, curl's default and no Accept", async () => {
    for (const accept of ["application/json", "*/*", undefined]) {
      const headers: Record<string, string> = accept ? { accept } : {};
      const unknown = await fetch(`${server.url}/no/such/page`, { headers });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.headers.get("content-type"), "application/json; charset=utf-8");
      assert.deepEqual(await documentedError(unknown), { error: "Not found", code: "not_found" });
      const malformed = await fetch(`${server.url}/not-a-paste-id`, { headers });
      assert.equal(malformed.status, 400);
      assert.deepEqual(await documentedError(malformed), {
        error: "Invalid paste ID format",
        code: "invalid_paste_id",
      });
      const missing = await fetch(`${server.url}/0123456789ab`, { headers });
      assert.equal(missing.status, 404);
      assert.deepEqual(await documentedError(missing), { error: "Paste not found", code: "paste_not_found" });
      const asset = await fetch(`${server.url}/static/no-such-asset.js`, { headers });
      assert.equal(asset.status, 404);
      assert.deepEqual(await documentedError(asset), { error: "Not found", code: "not_found" });
    }
    // A browser's request to an unknown path with another method is not a page view.
    const deleted = await fetch(`${server.url}/no/such/page`, {
      method: "DELETE",
      headers: { accept: BROWSER_ACCEPT },
    });
    assert.equal(deleted.status, 404);
    assert.deepEqual(await documentedError(deleted), { error: "Not found", code: "not_found" });
  });

  it("counts neither /favicon.ico nor /robots.txt against the 404 guard, and serves them to a client it refuses", async () => {
    const guarded = await startServer({ rateLimit: true, rateNotFoundMax: 3 });
    try {
      for (let i = 0; i < 10; i++) {
        assert.equal((await fetch(`${guarded.url}/favicon.ico`)).status, 200);
        assert.equal((await fetch(`${guarded.url}/robots.txt`)).status, 200);
      }
      // Nothing counted yet: three guesses are still answered 404, the fourth read is refused.
      for (let i = 0; i < 3; i++) {
        assert.equal((await fetch(`${guarded.url}/${i.toString(16).padStart(12, "0")}`)).status, 404);
      }
      assert.equal((await fetch(`${guarded.url}/${"f".repeat(12)}`)).status, 429);
      assert.equal((await fetch(`${guarded.url}/favicon.ico`)).status, 200);
      assert.equal((await fetch(`${guarded.url}/robots.txt`)).status, 200);
    } finally {
      await guarded.close();
    }
  });
});

describe("paths a browser asks for on its own, in a real browser", () => {
  let server: TestServer;
  let browser: Browser;
  const cspViolations: string[] = [];

  before(async () => {
    if (!CHROMIUM)
      throw new Error(
        "Chromium not found: npm test installs it as root, or says how (apt-get install chromium)",
      );
    server = await startServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    assert.deepEqual(cspViolations, [], "no Content Security Policy violation on any page");
  });

  async function newPage(): Promise<Page> {
    const page = await browser.newPage();
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    return page;
  }

  it("shows the not-found page, styled, for an address that is not there, and leads back to the create page", async () => {
    const page = await newPage();
    const res = await page.goto(`${server.url}/no/such/page`);
    assert.equal(res?.status(), 404);
    assert.equal(res?.headers()["content-security-policy"], PAGE_CSP);
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Not found");
    // The page's own stylesheet applied: the layout's max width comes from app.css.
    assert.equal(await page.locator("main").evaluate((m) => getComputedStyle(m).maxWidth), "960px");
    await page.getByRole("link", { name: "Create a paste" }).click();
    await page.getByRole("button", { name: "Create paste" }).waitFor();
    await page.close();
  });

  it("finds the icon the pages name at /favicon.ico, and decodes it", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/`);
    const href = await page.locator('link[rel="icon"]').getAttribute("href");
    assert.equal(href, "/favicon.ico");
    const width = await page.evaluate(async () => {
      const img = new Image();
      img.src = "/favicon.ico";
      await img.decode();
      return img.naturalWidth;
    });
    assert.ok(width >= 16, `decoded, ${width} px wide`);
    await page.close();
  });

  it("shows /robots.txt as text", async () => {
    const page = await newPage();
    const res = await page.goto(`${server.url}/robots.txt`);
    assert.equal(res?.status(), 200);
    assert.match((await page.locator("body").textContent()) ?? "", /Disallow: \//);
    await page.close();
  });
});
