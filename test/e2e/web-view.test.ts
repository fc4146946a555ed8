import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { startServer, type TestServer } from "../helpers/server.ts";
import {
  createInBrowser,
  createOn,
  openBrowser,
  type PasteChoices,
  type PasteInput,
  screenshot,
  type WebSession,
} from "../helpers/web-browser.ts";

const KEYLESS = "This paste is encrypted and the link has no key (or a wrong one).";

describe("the paste page, as a reader sees it, in a real browser", () => {
  let server: TestServer;
  let session: WebSession;

  before(async () => {
    server = await startServer();
    session = await openBrowser();
  });
  after(async () => {
    await session?.close();
    await server?.close();
    assert.deepEqual(session?.cspViolations, [], "no Content Security Policy violation on any page");
  });

  const create = (fill: PasteInput, options?: PasteChoices) =>
    createInBrowser(session, server, fill, options);
  const fact = (page: Page, name: string) => page.locator(`[data-fact="${name}"]`).textContent();
  const idOf = (link: string) => new URL(link).pathname.slice(1);

  async function open(link: string, width?: number): Promise<Page> {
    const page = await session.newPage(width);
    await page.goto(link);
    return page;
  }

  it("shows the plaintext's size and type once decrypted, not the ciphertext's", async () => {
    const text = `${"Eighty-three bytes of plain text, weighed after decryption".padEnd(82, ".")}\n`;
    assert.equal(Buffer.byteLength(text), 83);
    const link = await create({ text });
    const stored = await (await fetch(`${server.url}/${idOf(link)}/raw`)).arrayBuffer();
    assert.equal(stored.byteLength, 111, "the server holds 28 bytes more");
    const page = await open(link);
    await page.locator("#content pre").waitFor();
    assert.equal(await fact(page, "size"), "83 bytes");
    assert.equal(await fact(page, "type"), "text/plain");
    await page.close();
  });

  it("says when the paste expires: a date and how far off (in 7 days), or after this read for burn-after-read", async () => {
    const weekly = await open(await create({ text: "kept a week" }, { expiry: "in 1 week" }));
    await weekly.locator("#content pre").waitFor();
    const expires = (await fact(weekly, "expires")) ?? "";
    assert.match(expires, /\(in 7 days\)$/);
    const date = new Date(Date.now() + 7 * 86400_000).toLocaleDateString("en-US", {
      month: "short",
      day: "numeric",
    });
    assert.ok(expires.includes(date), `${expires} names ${date}`);
    await weekly.close();

    const idle = await open(await create({ text: "kept while read" }));
    await idle.locator("#content pre").waitFor();
    assert.match(
      (await fact(idle, "expires")) ?? "",
      /\(in 1 day\), unless read again: each read extends it$/,
    );
    await idle.close();

    const burning = await open(await create({ text: "read once" }, { burn: true }));
    await burning.getByRole("button", { name: "Reveal and delete" }).waitFor();
    assert.equal(await fact(burning, "expires"), "after this read", "said before it is revealed");
    await burning.getByRole("button", { name: "Reveal and delete" }).click();
    await burning.locator("#content pre").waitFor();
    assert.equal(await fact(burning, "expires"), "after this read");
    await burning.close();
  });

  it("numbers the lines (on by default) and wraps long ones on request, the text unchanged", async () => {
    const text = `first line\n${"a-very-long-word ".repeat(40)}\nthird line\n`;
    const page = await open(await create({ text }, { format: "Plain text" }));
    const pre = page.locator("#content pre");
    await pre.waitFor();
    const numberOf = (n: number) =>
      page
        .locator("#content .line")
        .nth(n)
        .evaluate((line) => getComputedStyle(line, "::before").content);
    assert.equal(await page.locator("#content .line").count(), 3, "three lines, no empty fourth");
    assert.equal(await numberOf(0), "counter(line)");
    const gutterLeft = await page
      .locator("#content .line")
      .first()
      .evaluate((l) => l.getBoundingClientRect().left);
    const textLeft = await page.evaluate(() => {
      const range = document.createRange();
      const first = document.querySelector("#content .line")?.firstChild;
      if (first) range.selectNodeContents(first);
      return range.getBoundingClientRect().left;
    });
    assert.ok(textLeft - gutterLeft > 10, "the text stands clear of the numbers");
    assert.equal(await pre.textContent(), text, "the numbers are not part of the text");

    assert.equal(await pre.evaluate((p) => p.scrollWidth > p.clientWidth), true, "unwrapped, it scrolls");
    await page.getByLabel("Wrap lines").check();
    assert.equal(await pre.evaluate((p) => getComputedStyle(p).whiteSpace), "pre-wrap");
    assert.equal(await pre.evaluate((p) => p.scrollWidth > p.clientWidth), false, "wrapped, it fits");
    await page.getByLabel("Line numbers").uncheck();
    assert.equal(await numberOf(0), "none");
    assert.equal(await pre.textContent(), text);
    await page.close();
  });

  it("highlights in the language its creator chose, in the one it detects, and in the one the reader picks", async () => {
    const code = "x = 1\nprint(x)\n";
    const page = await open(await create({ text: code }, { format: "Python" }));
    await page.locator("#content .hljs-built_in, #content .hljs-number").first().waitFor();
    assert.equal(
      await page.getByLabel("Show as").inputValue(),
      "python",
      "the creator's choice travels in the paste",
    );
    assert.equal(await fact(page, "type"), "text/x-python (Python)");
    await page.getByLabel("Show as").selectOption({ label: "Plain text" });
    await page.waitForFunction(() => document.querySelectorAll("#content [class^='hljs-']").length === 0);
    await page.getByLabel("Show as").selectOption({ label: "Ruby" });
    await page.locator("#content code.language-ruby").waitFor();
    assert.equal(await page.locator("#content pre").textContent(), code);
    await page.close();

    const sql = "SELECT id, name FROM users WHERE created_at > NOW() - INTERVAL '1 day' ORDER BY name;\n";
    const detected = await open(await create({ text: sql }));
    await detected.locator("#content .hljs-keyword").first().waitFor();
    assert.equal(await detected.locator("#language option:checked").textContent(), "Auto-detect (SQL)");
    const prose = await open(await create({ text: "Just a note to self: buy milk and call Sam.\n" }));
    await prose.locator("#content pre").waitFor();
    await prose.waitForFunction(
      () => document.querySelector("#language option")?.textContent !== "Auto-detect",
    );
    assert.equal(await prose.locator("#language option:checked").textContent(), "Auto-detect (none found)");
    assert.equal(await prose.locator("#content [class^='hljs-']").count(), 0, "prose stays plain");
    await detected.close();
    await prose.close();
  });

  it("renders Markdown only when asked, sanitised: HTML in the paste never runs nor becomes elements", async () => {
    const markdown = [
      "# A title",
      "",
      "Some **bold** text and a [safe link](https://example.com/).",
      "",
      '<img src=x onerror="window.pwned = 1">',
      "",
      "<script>window.pwned = 2</script>",
      "",
      "[a trap](javascript:window.pwned=3) and ![a pixel](https://tracker.example/p.gif)",
      "",
      "```js",
      "const answer = 42;",
      "```",
      "",
    ].join("\n");
    const requested: string[] = [];
    const page = await session.newPage();
    page.on("request", (r) => requested.push(new URL(r.url()).pathname));
    await page.goto(await createOn(page, server, { text: markdown }));
    await page.locator("#content pre").waitFor();
    assert.equal(await page.locator("#content .markdown").count(), 0, "auto-detection never renders");
    await page.getByLabel("Show as").selectOption({ label: "Markdown, rendered" });
    const article = page.locator("#content .markdown");
    await article.waitFor();
    assert.equal(await article.locator("h1").textContent(), "A title");
    assert.equal(await article.locator("strong").textContent(), "bold");
    assert.equal(
      await article.locator("img, script, iframe, [onerror]").count(),
      0,
      "no element from the paste's HTML",
    );
    const shown = (await article.textContent()) ?? "";
    assert.ok(shown.includes('<img src=x onerror="window.pwned = 1">'), "the HTML is shown as text");
    assert.ok(shown.includes("<script>window.pwned = 2</script>"));
    const hrefs = await article.locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    assert.deepEqual(
      hrefs,
      ["https://example.com/", null, "https://tracker.example/p.gif"],
      "no javascript: link",
    );
    assert.equal(await article.getByRole("link", { name: "a pixel" }).count(), 1, "an image is a link to it");
    await article.locator("code.language-js .hljs-keyword").waitFor();
    assert.equal(await page.evaluate(() => (window as { pwned?: number }).pwned), undefined, "nothing ran");
    assert.ok(
      !requested.some((p) => p === "/x" || p.endsWith("/p.gif")),
      "nothing the paste names was loaded",
    );
    await screenshot(page, "view-markdown.png", { docs: true });
    await page.close();

    // Made as Markdown by its creator: rendered when opened.
    const chosen = await open(await create({ text: "## Notes\n\n- one\n- two\n" }, { format: "Markdown" }));
    await chosen.locator("#content .markdown h2").waitFor();
    assert.equal(await chosen.locator("#content .markdown li").count(), 2);
    assert.equal(await chosen.getByLabel("Show as").inputValue(), "markdown-rendered");
    await chosen.close();
  });

  it("Clone opens a copy for editing as a new paste, leaving the original as it was", async () => {
    const original = "SELECT 1;\n";
    const link = await create({ text: original }, { format: "SQL" });
    const page = await open(link);
    await page.locator("#content pre").waitFor();
    await page.getByRole("button", { name: "Clone" }).click();
    const text = page.getByLabel("Text", { exact: true });
    await text.waitFor();
    assert.equal(new URL(page.url()).pathname, "/");
    assert.equal(new URL(page.url()).hash, "", "the key leaves the address bar");
    assert.equal(await text.inputValue(), original);
    assert.equal(await page.getByLabel("Format").inputValue(), "sql", "the format is copied too");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "text");
    await text.fill("SELECT 2;\n");
    await page.getByRole("button", { name: "Create paste" }).click();
    await page.locator("#result").waitFor({ state: "visible" });
    const copy = await page.getByLabel("Paste link").inputValue();
    assert.notEqual(idOf(copy), idOf(link));
    await page.goto(copy);
    await page.locator("#content pre").waitFor();
    assert.equal(await page.locator("#content pre").textContent(), "SELECT 2;\n");
    await page.goto(link);
    await page.locator("#content pre").waitFor();
    assert.equal(await page.locator("#content pre").textContent(), original, "the original is unchanged");
    await page.close();

    // A file is cloned as the same file, under its name.
    const file = {
      name: "blob.bin",
      mimeType: "application/octet-stream",
      buffer: Buffer.from([0, 1, 2, 255]),
    };
    const filePage = await open(await create({ file }));
    await filePage.getByRole("button", { name: "Clone" }).click();
    await filePage.getByText("File: blob.bin (4 bytes)").waitFor();
    await filePage.close();
  });

  it("Raw opens the decrypted text in a plain view of its own", async () => {
    const text = "<b>not bold</b>\nline two\n";
    const page = await open(await create({ text }));
    await page.locator("#content pre").waitFor();
    const [raw] = await Promise.all([
      session.context.waitForEvent("page"),
      page.getByRole("link", { name: "Raw" }).click(),
    ]);
    await raw.waitForLoadState();
    assert.match(raw.url(), /^blob:/);
    assert.equal(await raw.evaluate(() => document.contentType), "text/plain");
    assert.equal(await raw.evaluate(() => document.body.textContent), text);
    assert.equal(await raw.locator("b").count(), 0, "plain text: no markup");
    await raw.close();
    await page.close();
  });

  it("says a link has no key, or a wrong one, in one plain sentence, and shows none of the ciphertext", async () => {
    const link = await create({ text: "the secret" });
    const other = await create({ text: "another" });
    const noKey = link.replace(/#.*/, "");
    for (const address of [noKey, `${noKey}#${new URL(other).hash.slice(1)}`, `${noKey}#not-a-key`]) {
      const page = await open(address);
      await page.getByText(KEYLESS).waitFor();
      assert.equal(await page.locator("#content").textContent(), "", address);
      assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Encrypted paste");
      assert.equal(await page.getByRole("link", { name: "Download" }).isVisible(), false);
      assert.doesNotMatch(
        (await page.locator("main").textContent()) ?? "",
        /application\/octet-stream|A application/,
      );
      await page.close();
    }
    // A burn-after-read paste opened without its key is not burned for nothing.
    const burning = await create({ text: "once" }, { burn: true });
    const page = await open(burning.replace(/#.*/, ""));
    await page.getByText(KEYLESS).waitFor();
    assert.equal(await page.getByRole("button", { name: "Reveal and delete" }).isVisible(), false);
    assert.equal((await fetch(`${server.url}/${idOf(burning)}`)).status, 200, "still there");
    await page.goto(burning);
    await page.getByRole("button", { name: "Reveal and delete" }).click();
    await page.locator("#content pre").waitFor();
    assert.equal(await page.locator("#content pre").textContent(), "once");
    await page.close();
  });

  it("shows an unencrypted paste as it is, also from a link that carries a key", async () => {
    const link = await create({ text: "in the clear\n" }, { encrypt: false });
    const page = await open(`${link}#${"A".repeat(43)}`);
    await page.locator("#content pre").waitFor();
    assert.equal(await page.locator("#content pre").textContent(), "in the clear\n");
    await page.getByText("This paste is not encrypted").waitFor();
    assert.match((await page.locator("#tagline").textContent()) ?? "", /^not encrypted/);
    await page.close();
  });
});
