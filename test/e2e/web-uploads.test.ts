/**
 * Several files, and large ones, from the create page in Chromium (docs/web.md, "Files"): one
 * version-2 paste encrypted in the browser, sent with resumable uploads and a row per file; a cut
 * connection or the browser going offline resumes within the page; the CLI saves what the page sent.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { identifiedCli } from "../helpers/cli.ts";
import { FINGERPRINT_A } from "../helpers/server.ts";
import { serverAndBrowser } from "../helpers/web-browser.ts";

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("the create page sends several and large files resumably, in a real browser", () => {
  const suite = serverAndBrowser({ maxAnon: 1 * MiB, maxAuth: 64 * MiB });
  const { home, cli } = identifiedCli(() => suite.server.url, FINGERPRINT_A);
  /** Writes `files` under a fresh folder; their paths. */
  const onDisk = (files: Record<string, Buffer>) => {
    const dir = join(home.dir, `in-${randomBytes(4).toString("hex")}`);
    mkdirSync(dir);
    return Object.entries(files).map(([name, bytes]) => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    });
  };
  /** A page identified as a client certificate would make it (loopback is a trusted proxy here). */
  const newPage = async () => {
    const page = await suite.session.newPage();
    await page.setExtraHTTPHeaders({ "x-ssl-client-sha1": FINGERPRINT_A });
    return page;
  };
  const pickOn = async (page: Page, paths: string[]) => {
    await page.goto(`${suite.server.url}/`);
    await page.getByLabel("File", { exact: true }).setInputFiles(paths);
  };
  const create = async (page: Page) => {
    await page.getByRole("button", { name: "Create paste" }).click();
    await page.locator("#result").waitFor({ state: "visible", timeout: 180_000 });
    return page.getByLabel("Paste link").inputValue();
  };
  /** What `sealbin get` saves of `link` (several files: into a folder), compared with `files`. */
  const savedByCli = async (link: string, files: Record<string, Buffer>) => {
    const out = join(home.dir, `out-${randomBytes(4).toString("hex")}`);
    mkdirSync(out);
    const got = await cli(["get", link, "-o", out]);
    assert.equal(got.code, 0, got.stderr);
    for (const [name, bytes] of Object.entries(files))
      assert.equal(sha(readFileSync(join(out, name))), sha(bytes), name);
  };
  const uploadsMade = () =>
    suite.server.logs.filter((l) => l.route === "/uploads" && l.method === "POST").length;

  it("makes several picked files one paste, a row each, that the CLI saves under their names", async () => {
    const files = {
      "notes.md": Buffer.from("# notes\n"),
      "<b>bold<i>.bin": randomBytes(200_000),
      "photo.jpg": randomBytes(50_000),
    };
    const page = await newPage();
    await pickOn(page, onDisk(files));
    assert.equal(await page.locator("#create-status").textContent(), "3 files (244 KiB)");
    const link = await create(page);
    assert.match(link, /#[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(await page.locator("#upload-list .file-name").allTextContents(), Object.keys(files));
    assert.equal(await page.locator("#upload-list b").count(), 0, "names are text");
    assert.deepEqual(await page.locator("#upload-list .file-facts").allTextContents(), [
      "sent · 8 bytes",
      "sent · 195 KiB",
      "sent · 49 KiB",
    ]);
    await page.close();
    await savedByCli(link, files);
  });

  it("refuses to send several files unencrypted, before any work", async () => {
    const page = await suite.session.newPage();
    await pickOn(page, onDisk({ "a.txt": Buffer.from("a"), "b.txt": Buffer.from("b") }));
    await page.getByLabel("Encrypt in the browser").uncheck();
    const before = uploadsMade();
    await page.getByRole("button", { name: "Create paste" }).click();
    await page.getByText(/several files, or a file of 16 MiB or more, are always encrypted/).waitFor();
    assert.equal(uploadsMade(), before);
    await page.close();
  });

  it("resumes after a connection cut mid-upload, from the server's offset, in the same page", async () => {
    const big = randomBytes(30 * MiB + 11);
    const page = await newPage();
    let patches = 0;
    let statusDuringCut = "";
    await page.route(/\/uploads\/[^/]+$/, async (route) => {
      if (route.request().method() === "PATCH" && ++patches === 2) {
        await route.abort("connectionreset");
        return;
      }
      await route.continue();
    });
    await pickOn(page, onDisk({ "cut.iso": big }));
    const before = uploadsMade();
    const made = create(page);
    await page.getByText(/Connection lost after 8\.0 MiB of 30 MiB/).waitFor();
    statusDuringCut = (await page.locator("#create-status").textContent()) ?? "";
    const link = await made;
    assert.match(statusDuringCut, /resuming when the network is back/);
    assert.equal(uploadsMade() - before, 1, "the same upload went on");
    assert.ok(patches >= 5, `${patches} PATCHes`);
    await page.close();
    await savedByCli(link, { "cut.iso": big });
  });

  it("waits while the browser is offline and resumes when it is back", async () => {
    const big = randomBytes(20 * MiB);
    const page = await newPage();
    let patches = 0;
    await page.route(/\/uploads\/[^/]+$/, async (route) => {
      if (route.request().method() === "PATCH" && ++patches === 2) {
        await suite.session.context.setOffline(true);
        await route.abort("internetdisconnected");
        return;
      }
      await route.continue();
    });
    await pickOn(page, onDisk({ "offline.bin": big }));
    const made = create(page);
    await page.getByText(/Connection lost/).waitFor();
    await suite.session.context.setOffline(false);
    const link = await made;
    await page.close();
    await savedByCli(link, { "offline.bin": big });
  });

  it("sends a 200 MiB file from the browser that the CLI saves intact, its name kept", async () => {
    const big = randomBytes(200 * MiB);
    const page = await newPage();
    await pickOn(page, onDisk({ "disk.img": big }));
    const link = await create(page);
    assert.equal(await page.locator("#upload-list .file-facts").textContent(), "sent · 200 MiB");
    await page.close();
    const target = join(home.dir, "disk-copy.img");
    const got = await cli(["get", link, "-o", target]);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(sha(readFileSync(target)), sha(big));
  });
});
