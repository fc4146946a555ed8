import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { startServer, type TestServer } from "../helpers/server.ts";
import {
  createInBrowser,
  openBrowser,
  type PasteChoices,
  type PasteInput,
  screenshot,
  scrollsSideways,
  seriousViolations,
  type WebSession,
} from "../helpers/web-browser.ts";

const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? "");

/** Presses Tab (or Shift+Tab) `count` times; the id of each element focused on the way. */
async function tabThrough(page: Page, count: number, back = false): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    seen.push(await activeId(page));
  }
  return seen;
}

/** The relative luminance of a computed CSS colour (rgb(…)). */
function luminance(color: string): number {
  const [r = 0, g = 0, b = 0] = (color.match(/[\d.]+/g) ?? []).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe("the web interface's quality: accessibility, small screens, dark mode, /docs, weight", () => {
  let server: TestServer;
  let session: WebSession;

  before(async () => {
    server = await startServer({ powDifficulty: 8 });
    session = await openBrowser();
  });
  after(async () => {
    await session?.close();
    await server?.close();
    assert.deepEqual(session?.cspViolations, [], "no Content Security Policy violation on any page");
  });

  const create = (fill: PasteInput, options?: PasteChoices) =>
    createInBrowser(session, server, fill, options);

  it("passes axe-core with no serious or critical violation on every page and state, light and dark", async () => {
    const code = "def main():\n    print('accessible')  # a comment\n\nmain()\n";
    const text = await create({ text: code }, { format: "Python" });
    const markdown = await create(
      { text: "# Notes\n\n- [x] done\n- [ ] to do\n\n| a | b |\n|---|---|\n| 1 | 2 |\n" },
      { format: "Markdown" },
    );
    const burning = await create({ text: "once" }, { burn: true });
    const locked = await create({ text: "locked" }, { password: "pw" });
    const states: [string, string, string][] = [
      ["create page", `${server.url}/`, "#paste-form"],
      ["text paste", text, "#content .hljs-keyword"],
      ["Markdown paste", markdown, "#content .markdown h1"],
      ["burn guard", burning, "#reveal"],
      ["password form", locked, "#view-password"],
      ["keyless link", text.replace(/#.*/, ""), "#view-status.error"],
    ];
    for (const scheme of ["light", "dark"] as const) {
      for (const [name, url, ready] of states) {
        const page = await session.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(url);
        await page.locator(ready).first().waitFor();
        assert.deepEqual(await seriousViolations(page), [], `${name}, ${scheme}`);
        await page.close();
      }
    }
    // The create page once a paste is made, its link and QR code shown.
    const page = await session.newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel("Text", { exact: true }).fill("made");
    await page.getByRole("button", { name: "Create paste" }).click();
    await page.locator("#result").waitFor({ state: "visible" });
    assert.deepEqual(await seriousViolations(page), [], "create page with its result");
    await page.close();
  });

  it("creates a paste by keyboard alone, the focus in visual order, landing on the new link", async () => {
    const page = await session.newPage();
    await page.goto(`${server.url}/`);
    await page.locator("#format option").first().waitFor({ state: "attached" });
    const order = await tabThrough(page, 10);
    assert.deepEqual(order, [
      "",
      "text",
      "file",
      "format",
      "expiry",
      "views",
      "password",
      "burn",
      "encrypt",
      "create-button",
    ]);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Create paste");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Space"); // unticks Encrypt in the browser
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Space"); // ticks Burn after reading
    await tabThrough(page, 5, true);
    assert.equal(await activeId(page), "text");
    await page.keyboard.type("typed, not clicked\n");
    await tabThrough(page, 7);
    assert.equal(await activeId(page), "create-button");
    await page.keyboard.press("Enter");
    await page.locator("#result").waitFor({ state: "visible" });
    assert.equal(await activeId(page), "link", "focus on the new link, selected for copying");
    assert.deepEqual(await tabThrough(page, 3), ["copy", "open-paste", "another"]);
    const link = await page.getByLabel("Paste link").inputValue();
    assert.equal(new URL(link).hash, "", "Encrypt was unticked by keyboard");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Reveal and delete" }).waitFor();
    await page.close();
  });

  it("reads a paste by keyboard alone: password, reveal, then the content and its actions in order", async () => {
    const link = await create({ text: "keyboard reader\n" }, { burn: true, password: "pw" });
    const page = await session.newPage();
    await page.goto(link);
    await page.getByLabel("This paste is protected by a password").waitFor();
    assert.equal(await activeId(page), "view-password", "focus on the password field");
    await page.keyboard.type("pw");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Reveal and delete" }).waitFor();
    assert.equal(await activeId(page), "reveal", "focus on the reveal button");
    await page.keyboard.press("Enter");
    await page.locator("#content pre").waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.tagName),
      "PRE",
      "focus on what was revealed",
    );
    assert.deepEqual(await tabThrough(page, 8, true), [
      "wrap",
      "line-numbers",
      "language",
      "download",
      "copy-text",
      "raw",
      "clone",
      "new",
    ]);
    await page.close();
  });

  it("fits a 375 px screen: the create page and a paste with a long line, no sideways scrolling", async () => {
    const text = `${"a_long_identifier_without_spaces_".repeat(8)}\nshort line\n`;
    const link = await create({ text }, { format: "Plain text" });
    const page = await session.newPage(375);
    await page.goto(`${server.url}/`);
    assert.equal(await scrollsSideways(page), false, "create page");
    await page.goto(link);
    await page.locator("#content pre").waitFor();
    assert.equal(await scrollsSideways(page), false, "paste page: the text scrolls in its own box");
    const box = await page.locator("#content pre").boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 375, "the text box fits");
    for (const name of ["New", "Clone", "Raw", "Copy", "Download"]) {
      const button = await page
        .getByRole(name === "Clone" || name === "Copy" ? "button" : "link", { name, exact: true })
        .boundingBox();
      assert.ok(button && button.x + button.width <= 375, `${name} is on screen`);
    }
    await screenshot(page, "view-page-phone.png", { docs: true });
    await page.close();
  });

  it("follows the system's dark mode: dark background, light text, highlighted tokens in the dark palette", async () => {
    const link = await create(
      { text: "const greeting = 'hello'; // says hello\nconsole.log(greeting);\n" },
      { format: "JavaScript" },
    );
    const colours = async (scheme: "light" | "dark") => {
      const page = await session.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(link);
      await page.locator("#content .hljs-keyword").first().waitFor();
      const found = await page.evaluate(() => ({
        body: getComputedStyle(document.body).backgroundColor,
        text: getComputedStyle(document.body).color,
        keyword: getComputedStyle(document.querySelector("#content .hljs-keyword") as Element).color,
      }));
      await screenshot(page, `view-page-${scheme}.png`, { docs: scheme === "dark" });
      await page.close();
      return found;
    };
    const light = await colours("light");
    const dark = await colours("dark");
    assert.ok(luminance(light.body) > 0.8 && luminance(light.text) < 0.1, "light: dark text on light");
    assert.ok(luminance(dark.body) < 0.05 && luminance(dark.text) > 0.7, "dark: light text on dark");
    assert.notEqual(dark.keyword, light.keyword, "tokens have dark-mode colours");
  });

  it("gives /docs sealbin's name, logo, icon and look instead of Swagger's stock branding", async () => {
    const html = await (await fetch(`${server.url}/docs/`)).text();
    assert.match(html, /<title>sealbin API<\/title>/);
    assert.doesNotMatch(html, /favicon-32x32\.png|Swagger UI<\/title>/, "no stock title or icon");
    const icon = await fetch(`${server.url}/docs/static/theme/favicon.ico`);
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get("content-type"), "image/vnd.microsoft.icon");
    const page = await session.newPage();
    await page.goto(`${server.url}/docs`);
    const logo = page.locator(".topbar a img");
    await logo.waitFor();
    assert.match((await logo.getAttribute("src")) ?? "", /^data:image\/svg\+xml;base64,/);
    assert.doesNotMatch((await page.locator(".topbar").textContent()) ?? "", /swagger/i);
    assert.equal(await page.locator(".topbar .download-url-wrapper").isVisible(), false);
    assert.equal(
      await page.locator(".topbar").evaluate((t) => getComputedStyle(t).backgroundColor),
      "rgb(27, 27, 31)",
    );
    await page.locator(".info .title").waitFor();
    assert.match(
      await page.locator(".info .title").evaluate((t) => getComputedStyle(t).fontFamily),
      /system-ui/,
    );
    await screenshot(page, "docs-page.png", { fullPage: false, docs: true });
    await page.close();
  });

  it("loads only what a page needs, and weighs what docs/web.md says", async () => {
    const loaded = async (url: string, ready: string) => {
      const page = await session.newPage();
      const scripts: string[] = [];
      page.on("request", (r) => {
        const path = new URL(r.url()).pathname;
        if (path.startsWith("/static/")) scripts.push(path.slice("/static/".length));
      });
      await page.goto(url);
      await page.locator(ready).first().waitFor();
      await page.close();
      return scripts.sort();
    };
    assert.deepEqual(await loaded(`${server.url}/`, "#paste-form"), ["app.css", "app.js", "code.css"]);
    const text = await create({ text: "let x = 1;\n" }, { format: "Rust" });
    assert.deepEqual(await loaded(text, "#content .hljs-keyword"), [
      "app.css",
      "app.js",
      "code.css",
      "highlight.js",
    ]);
    const md = await create({ text: "# Title\n" }, { format: "Markdown" });
    assert.deepEqual(await loaded(md, "#content .markdown h1"), [
      "app.css",
      "app.js",
      "code.css",
      "markdown.js",
    ]);

    const size = async (path: string) => {
      const body = Buffer.from(
        await (await fetch(`${server.url}${path}`, { headers: { accept: "text/html" } })).arrayBuffer(),
      );
      return { raw: body.length, gzip: gzipSync(body).length };
    };
    const weigh = async (paths: string[]) => {
      let raw = 0;
      let gzip = 0;
      for (const p of paths) {
        const s = await size(p);
        raw += s.raw;
        gzip += s.gzip;
      }
      return { raw, gzip };
    };
    const common = ["/", "/static/app.js", "/static/app.css", "/static/code.css"];
    const createPage = await weigh([...common, "/static/pow-worker.js"]);
    const textPage = await weigh([...common, "/static/highlight.js"]);
    const markdownPage = await weigh([...common, "/static/markdown.js"]);
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(
      `page weight: create ${kib(createPage.raw)} (${kib(createPage.gzip)} gzipped), text paste ${kib(textPage.raw)} (${kib(textPage.gzip)}), Markdown paste ${kib(markdownPage.raw)} (${kib(markdownPage.gzip)})`,
    );
    // The budgets docs/web.md states.
    assert.ok(createPage.raw < 100 * 1024, `create page ${createPage.raw} bytes`);
    assert.ok(textPage.raw < 240 * 1024, `text paste page ${textPage.raw} bytes`);
    assert.ok(markdownPage.raw < 200 * 1024, `Markdown paste page ${markdownPage.raw} bytes`);
  });
});
