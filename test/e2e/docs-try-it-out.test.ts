import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startServer, type TestServer } from "../helpers/server.ts";
import { openBrowser, type WebSession } from "../helpers/web-browser.ts";

/**
 * /docs is generated from the routes' schemas (docs/api.md "The description is the contract"): on a
 * server without proof-of-work, "Try it out" on POST / creates a paste, as a reader of the API page
 * would try it, and the paste is really stored.
 */
describe("the API page, used as its readers use it", () => {
  let server: TestServer;
  let session: WebSession;
  before(async () => {
    server = await startServer();
    session = await openBrowser();
  });
  after(async () => {
    await session?.close();
    await server?.close();
  });

  it("creates a paste with Try it out on POST /, and the answer it shows is the stored paste's", async () => {
    const page = await session.newPage(1200);
    await page.goto(`${server.url}/docs`);
    const create = page.locator(".opblock-post").filter({ has: page.locator('[data-path="/"]') });
    await create.locator(".opblock-summary").click();
    await create.getByRole("button", { name: "Try it out" }).click();
    await create
      .locator("select.content-type, .body-param-content-type select")
      .first()
      .selectOption("application/json");
    const body = create.locator("textarea.body-param__text");
    await body.fill('{"content": "made from the API page"}');
    await create.getByRole("button", { name: "Execute" }).click();
    const status = create.locator(".responses-table.live-responses-table tbody .response-col_status").first();
    await status.waitFor();
    assert.equal((await status.textContent())?.trim(), "201");
    const shown =
      (await create.locator(".responses-table.live-responses-table .microlight").first().textContent()) ?? "";
    const id = /"id":\s*"([0-9a-f]+)"/.exec(shown)?.[1];
    assert.ok(id, `the answer names the paste: ${shown.slice(0, 200)}`);
    const raw = await fetch(`${server.url}/${id}/raw`);
    assert.equal(await raw.text(), "made from the API page");
    await page.close();
  });
});
