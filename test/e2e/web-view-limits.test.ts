import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { type Json, jsonOf, startServer, type TestServer } from "../helpers/server.ts";
import { openBrowser, seriousViolations, type WebSession } from "../helpers/web-browser.ts";

/**
 * The web interface's view limits (docs/web.md) in a real browser: the create form's Views choice
 * sends X-Max-Views, and the paste page says how many views are left and asks before using one.
 */
describe("view limits in the web interface", () => {
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

  const fact = (page: Page, name: string) => page.locator(`[data-fact="${name}"]`).textContent();
  const metaOf = async (link: string): Promise<Json> =>
    jsonOf(await fetch(`${server.url}${new URL(link).pathname}`));

  /** Creates a paste on the create page with the Views list set to `views` (its label). */
  async function createWithViews(text: string, views: string, burn = false): Promise<string> {
    const page = await session.newPage();
    try {
      await page.goto(`${server.url}/`);
      await page.getByLabel("Text", { exact: true }).fill(text);
      await page.getByLabel("Views").selectOption({ label: views });
      if (burn) await page.getByLabel("Burn after reading").check();
      await page.getByRole("button", { name: "Create paste" }).click();
      await page.locator("#result").waitFor({ state: "visible" });
      return await page.getByLabel("Paste link").inputValue();
    } finally {
      await page.close();
    }
  }

  it("offers unlimited, 2, 3, 5 and 10 views, unlimited by default, and the form stays accessible", async () => {
    const page = await session.newPage();
    await page.goto(`${server.url}/`);
    const views = page.getByLabel("Views");
    assert.equal(await views.inputValue(), "", "unlimited unless chosen");
    assert.deepEqual(await views.locator("option").allTextContents(), [
      "unlimited",
      "2 views, then deleted",
      "3 views, then deleted",
      "5 views, then deleted",
      "10 views, then deleted",
    ]);
    assert.deepEqual(await seriousViolations(page), []);
    await page.close();
  });

  it("a paste made with 3 views has 3, and is deleted by the third reveal", async () => {
    const link = await createWithViews("three looks", "3 views, then deleted");
    const made = await metaOf(link);
    assert.equal(made.max_views, 3);
    assert.equal(made.views_left, 3);
    for (const left of [3, 2, 1]) {
      const page = await session.newPage();
      await page.goto(link);
      const last = left === 1;
      const reveal = page.getByRole("button", {
        name: last ? "Reveal and delete" : "Reveal (uses one view)",
      });
      await reveal.waitFor();
      if (!last) {
        assert.equal(await fact(page, "views"), `${left} of 3 left`, "said before it is revealed");
        assert.match(
          (await page.locator("#burn-guard-text").textContent()) ?? "",
          new RegExp(`can be shown ${left} more times`),
        );
      } else assert.equal(await fact(page, "expires"), "after this read");
      assert.equal((await metaOf(link)).views_left, left, "loading the page used no view");
      await reveal.click();
      await page.locator("#content pre").waitFor();
      assert.equal(await page.locator("#content pre").textContent(), "three looks");
      if (!last) assert.equal(await fact(page, "views"), `${left - 1} of 3 left`);
      await page.close();
    }
    assert.equal((await fetch(`${server.url}${new URL(link).pathname}`)).status, 404, "gone after the third");
  });

  it("Burn after reading stands for one view: the Views list follows it, and the paste has one view", async () => {
    const page = await session.newPage();
    await page.goto(`${server.url}/`);
    const views = page.getByLabel("Views");
    await views.selectOption({ label: "5 views, then deleted" });
    await page.getByLabel("Burn after reading").check();
    assert.equal(await views.isDisabled(), true);
    assert.equal(await views.locator("option:checked").textContent(), "1 view (burn after reading)");
    await page.getByLabel("Burn after reading").uncheck();
    assert.equal(await views.isDisabled(), false);
    assert.equal(await views.inputValue(), "5", "the choice made before comes back");
    await page.close();

    const link = await createWithViews("once", "5 views, then deleted", true);
    const made = await metaOf(link);
    assert.deepEqual([made.burn_after_read, made.max_views, made.views_left], [true, 1, 1]);
  });
});
