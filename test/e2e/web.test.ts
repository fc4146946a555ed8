import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PAGE_CSP } from "../../src/features/web/web.routes.ts";
import { cliHome, runCli } from "../helpers/cli.ts";
import { jsonOf, solvedPowHeaders, startServer, type TestServer } from "../helpers/server.ts";
import {
  ARTIFACTS,
  createInBrowser as createWith,
  openBrowser,
  type PasteChoices,
  type PasteInput,
  screenshot,
  scrollsSideways,
  type WebSession,
} from "../helpers/web-browser.ts";

const PNG_1X1 = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e5270ddf0000000049454e44ae426082",
  "hex",
);

describe("the web interface in a real browser", () => {
  let server: TestServer;
  let session: WebSession;
  const home = cliHome();

  before(async () => {
    server = await startServer({ powDifficulty: 10 });
    session = await openBrowser();
  });
  after(async () => {
    await session?.close();
    await server?.close();
    assert.deepEqual(session?.cspViolations, [], "no Content Security Policy violation on any page");
  });

  const newPage = (width?: number) => session.newPage(width);
  const createInBrowser = (fill: PasteInput, options?: PasteChoices) =>
    createWith(session, server, fill, options);

  it("serves the pages to browsers, JSON to API clients, with a strict policy and no inline script", async () => {
    const html = await fetch(`${server.url}/`, { headers: { accept: "text/html" } });
    assert.equal(html.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(html.headers.get("content-security-policy"), PAGE_CSP);
    const body = await html.text();
    assert.doesNotMatch(body, /<script>|<script(?![^>]*\bsrc=)[^>]*>/, "every script is a file");
    assert.doesNotMatch(PAGE_CSP, /unsafe-inline|unsafe-eval|https?:/);
    assert.equal((await jsonOf(await fetch(`${server.url}/`))).name, "sealbin");
    const curlLike = await fetch(`${server.url}/`, { headers: { accept: "*/*" } });
    assert.match(curlLike.headers.get("content-type") ?? "", /application\/json/);
    assert.equal(curlLike.headers.get("vary"), "Accept");

    // The create page's weight (docs/web.md): every asset it loads (the QR code library is bundled
    // into app.js; the paste page's modules are weighed by web-quality.test.ts).
    let weight = Buffer.byteLength(body);
    for (const name of ["app.js", "app.css", "code.css", "pow-worker.js"]) {
      const res = await fetch(`${server.url}/static/${name}`);
      assert.equal(res.status, 200, name);
      weight += (await res.arrayBuffer()).byteLength;
    }
    assert.ok(weight < 120 * 1024, `page weight ${weight} bytes`);
    assert.equal((await fetch(`${server.url}/static/..%2Fpackage.json`)).status, 404);
    assert.equal((await fetch(`${server.url}/static/page.html`)).status, 404);
    assert.equal((await fetch(`${server.url}/static/qrcode.mjs`)).status, 404, "no longer served apart");
  });

  it("creates an encrypted paste (proof-of-work in a worker), and its link shows the same text", async () => {
    const text =
      'use std::io;\n\nfn main() {\n    let mut name = String::new();\n    io::stdin().read_line(&mut name).unwrap();\n    println!("hello from the browser, {}", name.trim()); // greeting\n}\n';
    const link = await createInBrowser({ text });
    const key = new URL(link).hash.slice(1);
    assert.match(key, /^[A-Za-z0-9_-]{43}$/, "the key travels in the fragment, base64url");
    const id = new URL(link).pathname.slice(1);
    const stored = Buffer.from(await (await fetch(`${server.url}/${id}/raw`)).arrayBuffer());
    assert.equal(stored.length, Buffer.byteLength(text) + 28, "the server holds IV + ciphertext + tag");
    assert.ok(!stored.toString("latin1").includes("hello from the browser"));

    const page = await newPage();
    await page.goto(link);
    await page.locator("#content pre").waitFor();
    assert.equal(await page.locator("#content pre").textContent(), text);
    await page.locator("#content .hljs-keyword").first().waitFor();
    assert.equal(await page.locator("#content pre").textContent(), text, "highlighted, the same text");
    assert.equal(await page.locator("#language option:checked").textContent(), "Auto-detect (Rust)");
    await screenshot(page, "view-page.png", { docs: true });
    await page.close();
  });

  it("opens a link made by the CLI, and the CLI opens a link made by the browser", async () => {
    const env = { ...home.env, SEALBIN_SERVER: server.url };
    const made = await runCli([], { env, input: "made by the CLI ✓\n" });
    assert.equal(made.code, 0, made.stderr);
    const cliLink = /(http:\/\/\S+#\S+)/.exec(made.stdout.toString())?.[1] ?? "";
    const page = await newPage();
    await page.goto(cliLink);
    await page.locator("#content pre").waitFor();
    assert.equal(await page.locator("#content pre").textContent(), "made by the CLI ✓\n");
    await page.close();

    const browserLink = await createInBrowser({ text: "made in the browser ✓" });
    const got = await runCli(["get", browserLink], { env });
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout.toString(), "made in the browser ✓");
  });

  it("asks before revealing a burn-after-read paste, and reveals it once", async () => {
    const link = await createInBrowser({ text: "read me once" }, { burn: true });
    const id = new URL(link).pathname.slice(1);
    const page = await newPage();
    await page.goto(link);
    const reveal = page.getByRole("button", { name: "Reveal and delete" });
    await reveal.waitFor();
    // A link previewer that loads the page does not burn the paste.
    assert.equal((await fetch(`${server.url}/${id}`)).status, 200);
    await reveal.click();
    await page.locator("#content pre").waitFor();
    assert.equal(await page.locator("#content pre").textContent(), "read me once");
    assert.equal((await fetch(`${server.url}/${id}`)).status, 404, "gone once shown");
    await page.reload();
    await page.getByText("does not exist, has expired or was already read").waitFor();
    await page.close();
  });

  it("asks for the password, refuses a wrong one, opens with the right one", async () => {
    const link = await createInBrowser({ text: "behind a password" }, { password: "hunter2" });
    const page = await newPage();
    await page.goto(link);
    const field = page.getByLabel("This paste is protected by a password");
    await field.fill("wrong");
    await page.getByRole("button", { name: "Open" }).click();
    await page.getByText("Wrong password.").waitFor();
    await field.fill("hunter2");
    await page.getByRole("button", { name: "Open" }).click();
    await page.locator("#content pre").waitFor();
    assert.equal(await page.locator("#content pre").textContent(), "behind a password");
    await page.close();
  });

  it("round-trips a file that keeps its name: uploaded, previewed as an image, downloaded byte for byte as dot.png", async () => {
    const link = await createInBrowser({ file: { name: "dot.png", mimeType: "image/png", buffer: PNG_1X1 } });
    const id = new URL(link).pathname.slice(1);
    const stored = Buffer.from(await (await fetch(`${server.url}/${id}/raw`)).arrayBuffer());
    assert.ok(!stored.toString("latin1").includes("dot.png"), "the name travels inside the encryption");
    const page = await newPage();
    await page.goto(link);
    await page.locator("#content img").waitFor();
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "dot.png");
    assert.equal(await page.locator('[data-fact="size"]').textContent(), `${PNG_1X1.length} bytes`);
    assert.equal(await page.locator('[data-fact="type"]').textContent(), "image/png");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download" }).click(),
    ]);
    assert.ok(readFileSync(await download.path()).equals(PNG_1X1));
    assert.equal(download.suggestedFilename(), "dot.png");
    await page.close();

    // A text file keeps its name too, and its extension says its language.
    const script = "def greet(name):\n    return f'hello {name}'\n";
    const textLink = await createInBrowser({
      file: { name: "greet.py", mimeType: "text/x-python", buffer: Buffer.from(script) },
    });
    const textPage = await newPage();
    await textPage.goto(textLink);
    await textPage.locator("#content .hljs-keyword").first().waitFor();
    assert.equal(await textPage.locator("#content pre").textContent(), script);
    assert.equal(await textPage.getByLabel("Show as").inputValue(), "python");
    const [saved] = await Promise.all([
      textPage.waitForEvent("download"),
      textPage.getByRole("link", { name: "Download" }).click(),
    ]);
    assert.equal(saved.suggestedFilename(), "greet.py");
    assert.equal(readFileSync(await saved.path(), "utf8"), script);
    await textPage.close();
  });

  it("takes a file dropped on the page, and shows an unencrypted paste too", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel("Encrypt in the browser").uncheck();
    await page.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(["dropped, not typed\n"], "notes.txt", { type: "text/plain" }));
      document
        .getElementById("drop")
        ?.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true }));
    });
    await page.getByText("File: notes.txt").waitFor();
    await page.getByRole("button", { name: "Create paste" }).click();
    await page.locator("#result").waitFor({ state: "visible" });
    const link = await page.getByLabel("Paste link").inputValue();
    assert.equal(new URL(link).hash, "", "no key: the paste was not encrypted");
    const id = new URL(link).pathname.slice(1);
    assert.equal(await (await fetch(`${server.url}/${id}/raw`)).text(), "dropped, not typed\n");
    await page.goto(link);
    await page.locator("#content pre").waitFor();
    assert.equal(await page.locator("#content pre").textContent(), "dropped, not typed\n");
    await page.close();
  });

  it("types the Download link of an HTML or SVG paste as application/octet-stream, so opening it runs nothing on the paste origin", async () => {
    // Not UTF-8 (a latin-1 byte): the page cannot show it as text, and the server declares its type.
    const html = Buffer.concat([
      Buffer.from("<html><script>document.title='ran'</script>"),
      Buffer.from([0xe9]),
    ]);
    const svg = Buffer.concat([
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>parent.ran=1</script>'),
      Buffer.from([0xe9]),
    ]);
    for (const [content, declared] of [
      [html, "text/html"],
      [svg, "image/svg+xml"],
    ] as const) {
      const created = await fetch(`${server.url}/`, {
        method: "POST",
        body: content,
        headers: { "content-type": declared, ...(await solvedPowHeaders(server)) },
      });
      assert.equal(created.status, 201);
      const { id } = await jsonOf(created);
      const page = await newPage();
      // The page's CSP rightly forbids fetching the blob back: note each blob's type as it is made.
      await page.addInitScript(() => {
        const made = URL.createObjectURL.bind(URL);
        const types: string[] = [];
        Object.assign(window, { blobTypes: types });
        URL.createObjectURL = (blob: Blob | MediaSource) => {
          types.push((blob as Blob).type);
          return made(blob);
        };
      });
      await page.goto(`${server.url}/${id}`);
      await page.locator("#download").waitFor({ state: "visible" });
      assert.match((await page.locator("#download").getAttribute("href")) ?? "", /^blob:/);
      const types = await page.evaluate(() => (window as unknown as { blobTypes: string[] }).blobTypes);
      assert.deepEqual(types, ["application/octet-stream"], declared);
      await page.close();
    }
  });

  it("shortens a URL in its own card, its result and QR code apart from the paste card, by keyboard on a phone-sized screen", async () => {
    const page = await newPage(375);
    await page.goto(`${server.url}/`);
    await screenshot(page, "create-page-phone.png", { docs: true });
    const unlabelled = await page.$$eval("input, textarea, select", (found) =>
      (found as HTMLInputElement[])
        .filter((el) => !(el.labels && el.labels.length > 0) && !el.getAttribute("aria-label"))
        .map((el) => el.id),
    );
    assert.deepEqual(unlabelled, [], "every field has a label");
    assert.equal(await scrollsSideways(page), false, "no sideways scrolling at 375 px");
    await page.getByLabel("URL", { exact: true }).fill("https://example.com/some/long/path");
    await page.keyboard.press("Enter");
    await page.locator("#short-result").waitFor({ state: "visible" });
    const short = await page.getByLabel("Short link").inputValue();
    assert.match(short, /\/s\/[A-Za-z0-9]+$/);
    assert.match((await page.locator("#short-qr").getAttribute("src")) ?? "", /^data:image\/gif;base64,/);
    assert.equal(
      await page.locator("#short-card #short-result").count(),
      1,
      "the result is in the short-URL card",
    );
    assert.equal(await page.locator("#paste-card #short-result, #paste-card #short-link").count(), 0);
    assert.equal(await page.locator("#result").isVisible(), false, "the paste card shows no result");
    assert.equal(await page.getByLabel("Text", { exact: true }).isVisible(), true, "the paste form stays");
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      "short-link",
      "focus on the new link",
    );
    const res = await fetch(short, { redirect: "manual" });
    assert.equal(res.headers.get("location"), "https://example.com/some/long/path");
    await page.emulateMedia({ colorScheme: "dark" });
    await screenshot(page, "create-page-dark.png");
    writeFileSync(join(ARTIFACTS, "README.txt"), "Screenshots written by test/e2e/web*.test.ts.\n");
    await page.close();
  });
});
