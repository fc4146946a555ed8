/**
 * Version-2 pastes (several files, or large ones, from the CLI) on the paste page, in Chromium:
 * decrypted as they download, listed under their names, each downloadable; an altered stream or a
 * wrong key shows nothing of it (docs/web.md, "Files").
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { identifiedCli } from "../helpers/cli.ts";
import { FINGERPRINT_A } from "../helpers/server.ts";
import { serverAndBrowser } from "../helpers/web-browser.ts";

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const shaOfFile = (file: string) =>
  new Promise<string>((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (d) => hash.update(d))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
const XSS_NAME = "<img src=x onerror=alert(1)>.txt";

describe("the paste page with the files of a version-2 paste, in a real browser", () => {
  const suite = serverAndBrowser({ maxAnon: 1 * MiB, maxAuth: 64 * MiB });
  const { home, cli } = identifiedCli(() => suite.server.url, FINGERPRINT_A);
  const upload = async (files: Record<string, Buffer>) => {
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(home.dir, name), bytes);
    const made = await cli(Object.keys(files));
    assert.equal(made.code, 0, made.stderr);
    return made.stdout.toString("utf8").trim();
  };
  /** Opens `link`, failing the test on any dialog (a script that ran). */
  const open = async (link: string): Promise<Page> => {
    const page = await suite.session.newPage();
    page.on("dialog", (d) => {
      void d.dismiss();
      assert.fail(`a dialog opened: ${d.message()}`);
    });
    await page.goto(link);
    return page;
  };
  const download = async (page: Page, name: string) => {
    const [saved] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: `Download ${name}` }).click(),
    ]);
    return { name: saved.suggestedFilename(), path: await saved.path() };
  };

  it("lists each file under its name, as text, and downloads each one intact", async () => {
    const files = {
      "report.pdf": randomBytes(300_000),
      [XSS_NAME]: Buffer.from("plain words\n"),
      "empty.bin": Buffer.alloc(0),
    };
    const page = await open(await upload(files));
    await page.locator("#file-list li").nth(2).waitFor();
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "3 files");
    assert.deepEqual(await page.locator("#file-list .file-name").allTextContents(), Object.keys(files));
    assert.equal(await page.locator("#content img").count(), 0, "a name is text, never markup");
    assert.equal(await page.locator('[data-fact="files"]').textContent(), "3");
    for (const [name, bytes] of Object.entries(files)) {
      const saved = await download(page, name);
      assert.equal(await shaOfFile(saved.path), sha(bytes), name);
      if (name !== XSS_NAME) assert.equal(saved.name, name);
    }
    assert.match((await page.locator("#tagline").textContent()) ?? "", /decrypted in your browser/);
    await page.close();
  });

  it("shows nothing of a stream altered on its way, and says so", async () => {
    const link = await upload({ "a.bin": randomBytes(200_000), "b.bin": randomBytes(100_000) });
    const page = await suite.session.newPage();
    await page.route(/\/raw$/, async (route) => {
      const answer = await route.fetch();
      const body = Buffer.from(await answer.body());
      body[150_000] = (body[150_000] as number) ^ 1;
      await route.fulfill({ response: answer, body });
    });
    await page.goto(link);
    await page.getByText("This paste did not verify").waitFor();
    assert.equal(await page.locator("#file-list").count(), 0);
    await page.close();
  });

  it("says a wrong key is wrong, and offers nothing", async () => {
    const link = await upload({ "c.bin": randomBytes(1000), "d.bin": randomBytes(1000) });
    const wrong = `${link.replace(/#.*/, "")}#${randomBytes(32).toString("base64url")}`;
    const page = await open(wrong);
    await page.getByText("This paste is encrypted and the link has no key (or a wrong one).").waitFor();
    assert.equal(await page.locator("#file-list").count(), 0);
    await page.close();
  });

  it("takes a 200 MiB file from the CLI to the browser, its name and every byte intact", async () => {
    const big = randomBytes(200 * MiB);
    const link = await upload({ "big.iso": big });
    const page = await open(link);
    await page.locator("#file-list li").waitFor({ timeout: 120_000 });
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "big.iso");
    const saved = await download(page, "big.iso");
    assert.equal(saved.name, "big.iso");
    assert.equal(await shaOfFile(saved.path), sha(big));
    await page.close();
  });
});
