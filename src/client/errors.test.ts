import assert from "node:assert/strict";
import { describe, it } from "node:test";

describe("ClientError across bundles", () => {
  it("is recognised by instanceof when another copy of the module made it (the page's lazy bundles)", async () => {
    const url = new URL("./errors.ts", import.meta.url).href;
    const page = (await import(`${url}?page`)) as typeof import("./errors.ts");
    const lazy = (await import(`${url}?lazy`)) as typeof import("./errors.ts");
    assert.notEqual(page.ClientError, lazy.ClientError, "two copies of the class");
    const cut = new page.ClientError("unreachable", "cut");
    assert.ok(cut instanceof lazy.ClientError);
    assert.ok(cut instanceof Error);
    assert.equal(new Error("other") instanceof lazy.ClientError, false);
    assert.equal({ kind: "unreachable" } instanceof lazy.ClientError, false);
  });
});
