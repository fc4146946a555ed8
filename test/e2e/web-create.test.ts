import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { startServer, type TestServer } from "../helpers/server.ts";
import { openBrowser, type WebSession } from "../helpers/web-browser.ts";

/** Notes, in the page, every call of crypto.subtle.encrypt (installed before the page's own script). */
async function countEncryptions(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const subtle = crypto.subtle;
    const encrypt = subtle.encrypt.bind(subtle);
    Object.assign(window, { encryptions: 0 });
    subtle.encrypt = (...args: Parameters<SubtleCrypto["encrypt"]>) => {
      (window as unknown as { encryptions: number }).encryptions++;
      return encrypt(...args);
    };
  });
}

const encryptions = (page: Page) =>
  page.evaluate(() => (window as unknown as { encryptions: number }).encryptions);

describe("the create page against this server's rules, in a real browser", () => {
  let server: TestServer;
  let session: WebSession;

  before(async () => {
    // Small limits, a short default expiry, a two-day maximum, and proof-of-work on.
    server = await startServer({
      maxAnon: 4096,
      maxAuth: 65536,
      minSize: 3,
      expiryAnon: 7200,
      maxExpiry: 2 * 86400,
      powDifficulty: 8,
    });
    session = await openBrowser();
  });
  after(async () => {
    await session?.close();
    await server?.close();
    assert.deepEqual(session?.cspViolations, [], "no Content Security Policy violation on any page");
  });

  it("refuses an over-size file before any work — nothing encrypted, no challenge asked, no upload — naming the limit", async () => {
    const page = await session.newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await countEncryptions(page);
    await page.goto(`${server.url}/`);
    const big = { name: "big.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(10_000, 7) };
    await page.getByLabel("File", { exact: true }).setInputFiles(big);
    const status = page.locator("#create-status");
    const said =
      "paste too large: 9.8 KiB, the limit for anonymous pastes is 4.0 KiB (64 KiB with a client certificate)";
    await page.getByText(`File: big.bin: ${said}`).waitFor();
    await page.getByRole("button", { name: "Create paste" }).click();
    await page.getByText(`Could not create the paste: ${said}`).waitFor();
    assert.equal(await status.evaluate((s) => s.classList.contains("error")), true);
    assert.equal(await encryptions(page), 0, "nothing was encrypted");
    assert.deepEqual(
      requests.filter((r) => /challenge|^POST/.test(r)),
      [],
      "no challenge asked, nothing uploaded",
    );

    // Typed text over the limit is refused the same way.
    await page.getByRole("button", { name: "Remove file" }).click();
    await page.getByLabel("Text", { exact: true }).fill("x".repeat(5000));
    await page.getByRole("button", { name: "Create paste" }).click();
    await page
      .getByText(/^Could not create the paste: paste too large: 4\.9 KiB, the limit .* is 4\.0 KiB/)
      .waitFor();
    assert.equal(await encryptions(page), 0);
    assert.deepEqual(
      requests.filter((r) => /challenge|^POST/.test(r)),
      [],
    );
    await page.close();
  });

  it("shows the server's own message when it refuses a paste", async () => {
    const page = await session.newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel("Encrypt in the browser").uncheck();
    await page.getByLabel("Text", { exact: true }).fill("hi");
    await page.getByRole("button", { name: "Create paste" }).click();
    await page.getByText("Could not create the paste: Paste too small").waitFor();
    await page.close();
  });

  it("shows what the default expiry means on this server, and offers nothing past its maximum", async () => {
    const page = await session.newPage();
    await page.goto(`${server.url}/`);
    const expiry = page.getByLabel("Expires");
    // The list is filled twice: before GET / answers ("default (the server's)"), then from it.
    await page.waitForFunction(() =>
      document.querySelector("#expiry option")?.textContent?.startsWith("default:"),
    );
    const labels = await expiry.locator("option").allTextContents();
    assert.deepEqual(labels, [
      "default: 2 hours after the last read",
      "in 10 minutes",
      "in 1 hour",
      "in 1 day",
      "in 2 days (the longest here)",
    ]);
    await expiry.selectOption({ label: "in 2 days (the longest here)" });
    await page.getByLabel("Text", { exact: true }).fill("kept two days");
    await page.getByRole("button", { name: "Create paste" }).click();
    await page.locator("#result").waitFor({ state: "visible" });
    const id = new URL(await page.getByLabel("Paste link").inputValue()).pathname.slice(1);
    const meta = (await (await fetch(`${server.url}/${id}`)).json()) as {
      expires_at: number;
      created_at: number;
    };
    assert.equal(meta.expires_at - meta.created_at, 2 * 86400);
    await page.close();
  });

  it("says what the checkbox says: the tagline follows Encrypt in the browser", async () => {
    const page = await session.newPage();
    await page.goto(`${server.url}/`);
    const tagline = page.locator("#tagline");
    assert.equal(await tagline.textContent(), "encrypted in your browser — the server never sees the key");
    await page.getByLabel("Encrypt in the browser").uncheck();
    assert.equal(await tagline.textContent(), "not encrypted — the server can read what you paste");
    await page.getByLabel("Encrypt in the browser").check();
    assert.equal(await tagline.textContent(), "encrypted in your browser — the server never sees the key");
    await page.close();
  });
});
