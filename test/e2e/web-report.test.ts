/**
 * The paste page's Report link and dialog (docs/web.md, docs/moderation.md) in Debian's Chromium,
 * against the real server with proof-of-work on: what the page sends, checked where the moderator
 * reads it (GET /admin/reports, as the PKI's first registrant), and a quarantined paste's page.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page, Request } from "playwright-core";
import { HEADERS } from "../../src/protocol/vocabulary.ts";
import { type Json, startServer, type TestServer } from "../helpers/server.ts";
import {
  createInBrowser,
  openBrowser,
  screenshot,
  seriousViolations,
  type WebSession,
} from "../helpers/web-browser.ts";

const PKI = { pkiEnabled: true, pkiCaPassword: "ca-password", registrationEnabled: true, registerPow: 0 };
const KEYLESS = "This paste is encrypted and the link has no key (or a wrong one).";
const UNAVAILABLE = "This paste is unavailable for legal reasons.";

describe("reporting a paste from its page, in a real browser", () => {
  let server: TestServer;
  let session: WebSession;
  let admin: Record<string, string>;

  before(async () => {
    server = await startServer({ ...PKI, powDifficulty: 8, antiflood: false });
    const registered = await fetch(`${server.url}/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ common_name: "moderator" }),
    });
    const body = (await registered.json()) as Json;
    assert.equal(body.is_admin, true, "the first registrant is the admin");
    admin = { "x-ssl-client-sha1": body.fingerprint_sha1 };
    session = await openBrowser();
  });
  after(async () => {
    await session?.close();
    await server?.close();
    assert.deepEqual(session?.cspViolations, [], "no Content Security Policy violation on any page");
  });

  const withoutKey = (link: string) => link.replace(/#.*$/, "");
  const idOf = (link: string) => new URL(link).pathname.slice(1);

  /** The reports the moderator sees, by id. */
  async function reportsById(): Promise<Map<string, Json>> {
    const res = await fetch(`${server.url}/admin/reports`, { headers: admin });
    assert.equal(res.status, 200);
    const page = (await res.json()) as { reports: Json[] };
    return new Map(page.reports.map((r) => [r.id as string, r]));
  }

  /** Opens `link` and waits for its text; every request the page makes is kept in `requests`. */
  async function openPaste(link: string): Promise<{ page: Page; requests: Request[] }> {
    const page = await session.newPage();
    const requests: Request[] = [];
    page.on("request", (r) => requests.push(r));
    await page.goto(link);
    return { page, requests };
  }

  const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? "");
  const receiptOf = async (page: Page) => {
    const status = page.locator("#report-status");
    await status.filter({ hasText: /Report received|Could not/ }).waitFor();
    const text = (await status.textContent()) ?? "";
    const id = /^Report received \(report ([0-9a-f]{16})\)\. Thank you\.$/.exec(text)?.[1];
    assert.ok(id, `the dialog says the report was received, with its id: ${text}`);
    return id;
  };

  it("a report sent without ticking the box names the paste but carries no key, after the page's proof-of-work", async () => {
    const link = await createInBrowser(session, server, { text: "buy cheap pills now" });
    assert.match(link, /#.+/, "an encrypted paste's link carries its key");
    const { page, requests } = await openPaste(link);
    await page.locator("#content pre").waitFor();
    const open = page.getByRole("button", { name: "Report" });
    await open.click();
    const dialog = page.getByRole("dialog", { name: "Report this paste" });
    await dialog.waitFor();
    assert.equal(await activeId(page), "report-reason", "focus moves into the dialog, to its first field");
    const includeKey = dialog.getByLabel("Include the key so the moderator can verify");
    assert.equal(await includeKey.isChecked(), false, "the key is not shared unless asked");
    assert.deepEqual(
      await dialog
        .getByLabel("Reason")
        .locator("option")
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
      ["spam", "malware", "phishing", "illegal", "copyright", "other"],
    );
    assert.equal(await dialog.getByLabel("Details").getAttribute("maxlength"), "2000");
    assert.deepEqual(await seriousViolations(page), [], "the open dialog has no serious accessibility issue");
    await page.emulateMedia({ colorScheme: "dark" });
    assert.deepEqual(await seriousViolations(page), [], "nor in dark mode");
    await screenshot(page, "view-report-dark.png", { fullPage: false });
    await page.emulateMedia({ colorScheme: "light" });
    await dialog.getByLabel("Reason").selectOption({ label: "Spam" });
    await dialog.getByLabel("Details").fill("ads for pills");
    await screenshot(page, "view-report.png", { fullPage: false });
    await dialog.getByRole("button", { name: "Send" }).click();
    const reportId = await receiptOf(page);

    const sent = requests.find((r) => r.method() === "POST" && new URL(r.url()).pathname === "/report");
    assert.ok(sent, "the page sent POST /report");
    assert.deepEqual(JSON.parse(sent.postData() ?? "{}"), {
      url: withoutKey(link),
      reason: "spam",
      details: "ads for pills",
    });
    const headers = sent.headers();
    assert.match(headers[HEADERS.powSolution] ?? "", /^\d+$/, "with a proof-of-work solution");
    assert.ok(headers[HEADERS.powToken], "and its challenge's token");
    const challenged = requests.findIndex((r) => new URL(r.url()).pathname === "/challenge");
    assert.ok(challenged >= 0 && challenged < requests.indexOf(sent), "a challenge was fetched first");

    const stored = (await reportsById()).get(reportId);
    assert.ok(stored, "the moderator sees the report");
    assert.equal(stored.target, idOf(link));
    assert.equal(stored.kind, "paste");
    assert.equal(stored.reason, "spam");
    assert.equal(stored.details, "ads for pills");
    assert.equal("key" in stored, false, "no key: the reporter did not share it");

    const close = dialog.getByRole("button", { name: "Close" });
    assert.equal(await activeId(page), "report-cancel", "focus moves to Close once received");
    await close.click();
    await dialog.waitFor({ state: "hidden" });
    assert.equal(await activeId(page), "report-open", "focus returns to the Report link");
    await page.close();
  });

  it("ticking the box sends the key with the link, by keyboard alone, and the moderator's report holds it", async () => {
    const link = await createInBrowser(session, server, { text: "a phishing kit" });
    const key = new URL(link).hash.slice(1);
    const { page } = await openPaste(link);
    await page.locator("#content pre").waitFor();
    await page.getByRole("button", { name: "Report" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Report this paste" }).waitFor();
    assert.equal(await activeId(page), "report-reason");
    await page.keyboard.press("End"); // the last reason: Other
    await page.keyboard.press("Tab");
    assert.equal(await activeId(page), "report-details");
    await page.keyboard.type("a fake bank login page");
    await page.keyboard.press("Tab");
    assert.equal(await activeId(page), "report-include-key");
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    assert.equal(await activeId(page), "report-send");
    await page.keyboard.press("Enter");
    const reportId = await receiptOf(page);

    const stored = (await reportsById()).get(reportId);
    assert.ok(stored);
    assert.equal(stored.key, key, "the key the reporter chose to share");
    assert.equal(stored.target, idOf(link));
    assert.equal(stored.reason, "other");
    assert.equal(stored.details, "a fake bank login page");
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    assert.equal(await activeId(page), "report-open", "Escape closes it, focus back on the link");
    await page.close();
  });

  it("a link without its key offers no key to share, and a paste gone meanwhile gets the server's own message", async () => {
    const link = await createInBrowser(session, server, { text: "reported without the key" });
    const { page } = await openPaste(withoutKey(link));
    await page.locator("#view-status").filter({ hasText: KEYLESS }).waitFor();
    await page.getByRole("button", { name: "Report" }).click();
    const dialog = page.getByRole("dialog", { name: "Report this paste" });
    await dialog.waitFor();
    assert.equal(await dialog.getByLabel("Include the key so the moderator can verify").isVisible(), false);

    const deleted = await fetch(`${server.url}/${idOf(link)}`, { method: "DELETE", headers: admin });
    assert.equal(deleted.status, 200);
    await dialog.getByRole("button", { name: "Send" }).click();
    const status = dialog.locator("#report-status");
    await status.filter({ hasText: "Could not send" }).waitFor();
    assert.equal(await status.textContent(), "Could not send the report: Paste not found");
    assert.equal(await status.evaluate((s) => s.classList.contains("error")), true);
    assert.equal(
      await dialog.getByRole("button", { name: "Send" }).isVisible(),
      true,
      "it may be tried again",
    );
    await page.close();
  });

  it("the link is offered at a password prompt and before a burn-after-read paste is revealed, not after", async () => {
    const locked = await openPaste(
      await createInBrowser(session, server, { text: "locked" }, { password: "pw" }),
    );
    await locked.page.getByLabel("This paste is protected by a password").waitFor();
    assert.equal(await locked.page.getByRole("button", { name: "Report" }).isVisible(), true);
    await locked.page.close();

    const burning = await openPaste(
      await createInBrowser(session, server, { text: "read once" }, { burn: true }),
    );
    const reveal = burning.page.getByRole("button", { name: "Reveal and delete" });
    await reveal.waitFor();
    assert.equal(await burning.page.getByRole("button", { name: "Report" }).isVisible(), true);
    await reveal.click();
    await burning.page.locator("#content pre").waitFor();
    assert.equal(
      await burning.page.locator("#report-row").isVisible(),
      false,
      "revealed, it is gone from the server: nothing to report",
    );
    await burning.page.close();
  });

  it("a quarantined paste's page says it is unavailable for legal reasons, shows nothing of it and offers no report", async () => {
    const link = await createInBrowser(session, server, { text: "held for the moderator" });
    const quarantined = await fetch(`${server.url}/admin/pastes/${idOf(link)}/quarantine`, {
      method: "POST",
      headers: admin,
    });
    assert.equal(quarantined.status, 200);
    const raw = await fetch(`${server.url}/${idOf(link)}/raw`);
    assert.equal(raw.status, 451);
    assert.equal(((await raw.json()) as Json).code, "quarantined");

    const { page } = await openPaste(link);
    const status = page.locator("#view-status");
    await status.filter({ hasText: UNAVAILABLE }).waitFor();
    assert.equal(await status.textContent(), UNAVAILABLE);
    assert.equal(await page.locator("#content").innerHTML(), "", "nothing of the paste is shown");
    assert.equal(await page.locator("#report-row").isVisible(), false, "no Report link");
    await page.close();
  });
});
