import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NOT_BUILT } from "../web/web.routes.ts";
import { opsErrors } from "./ops.errors.ts";

describe("the operations routes' errors", () => {
  it("a checkout whose clients are not built answers GET /client with 503 clients_not_built, as the page scripts do", () => {
    const err = opsErrors.clientsNotBuilt();
    assert.equal(err.status, 503);
    assert.deepEqual(err.body, { error: NOT_BUILT, code: "clients_not_built" });
    assert.equal(NOT_BUILT, "The clients are not built on this server: run npm run build");
  });

  it("a reader outside SEALBIN_METRICS_ALLOW without the token gets 403 metrics_forbidden with a hint", () => {
    const err = opsErrors.metricsForbidden();
    assert.equal(err.status, 403);
    assert.deepEqual(err.body, {
      error: "Forbidden",
      code: "metrics_forbidden",
      hint: "see SEALBIN_METRICS_ALLOW and SEALBIN_METRICS_TOKEN",
    });
  });
});
