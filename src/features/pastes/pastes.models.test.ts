import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isFlagOn, parseExpiry } from "../../http/headers.ts";
import {
  contentDispositionFor,
  contentTypeHeaderFor,
  defaultExpiryFor,
  expiryFieldsOf,
  isValidPasteId,
  nextSlidingDeadline,
  parseMaxViews,
} from "./pastes.models.ts";
import { viewLimitOf } from "./pastes.usecases.ts";

describe("paste rules", () => {
  it("accepts only lowercase hex ids of exactly the configured length", () => {
    assert.equal(isValidPasteId("abcdef012345", 12), true);
    for (const bad of ["abcdef01234", "abcdef0123456", "ABCDEF012345", "abcdef01234g", "../etc/passw", ""]) {
      assert.equal(isValidPasteId(bad, 12), false, bad);
    }
  });

  it("turns X-Burn-After-Read on for true, 1 and yes in any case only", () => {
    for (const v of ["true", "TRUE", "1", "yes", "Yes", " true "]) assert.equal(isFlagOn(v), true, v);
    for (const v of [undefined, "", "0", "false", "no", "on", "y"])
      assert.equal(isFlagOn(v), false, String(v));
  });

  it("takes X-Max-Views as one whole number from 1 to the maximum, and nothing else", () => {
    assert.equal(parseMaxViews(undefined, 10_000), undefined);
    for (const v of [1, 3, 9999, 10_000]) assert.equal(parseMaxViews(String(v), 10_000), v);
    for (const v of ["", "0", "10001", "1.5", "1e3", "-1", "+3", "03", "0x10", "3, 4", " ", "9".repeat(30)])
      assert.ok(Number.isNaN(parseMaxViews(v, 10_000)), JSON.stringify(v));
  });

  it("makes burn-after-read one view, and refuses it beside another count", () => {
    assert.equal(viewLimitOf(undefined, false), null);
    assert.equal(viewLimitOf(undefined, true), 1);
    assert.equal(viewLimitOf("1", true), 1);
    assert.equal(viewLimitOf("5", false), 5);
    assert.throws(() => viewLimitOf("5", true), { code: "view_limit_conflict" });
    assert.throws(() => viewLimitOf("0", false), { code: "invalid_max_views" });
  });

  it("takes whole positive seconds for X-Expiry and ignores anything else", () => {
    assert.equal(parseExpiry("3600", 7_776_000), 3600);
    assert.equal(parseExpiry(" 60 ", 7_776_000), 60);
    for (const v of [undefined, "", "-5", "0", "12x", "1e3", "1.5", "0x10", "+5", "9".repeat(30)]) {
      assert.equal(parseExpiry(v, 7_776_000), undefined, String(v));
    }
  });

  it("caps a custom expiry at MAX_EXPIRY", () => {
    assert.equal(parseExpiry("99999999", 7_776_000), 7_776_000);
    assert.equal(parseExpiry("7776000", 7_776_000), 7_776_000);
  });

  it("gives each trust level its default expiry", () => {
    const config = { expiryAnon: 1, expiryUntrusted: 7, expiryTrusted: 30 };
    assert.equal(defaultExpiryFor("anonymous", config), 1);
    assert.equal(defaultExpiryFor("untrusted", config), 7);
    assert.equal(defaultExpiryFor("trusted", config), 30);
  });

  it("moves a sliding deadline only when it has lagged by a minute or more, and never a fixed one", () => {
    assert.equal(nextSlidingDeadline({ expiresAt: 1000, idleTtl: 100 }, 959), undefined);
    assert.equal(nextSlidingDeadline({ expiresAt: 1000, idleTtl: 100 }, 960), 1060);
    assert.equal(nextSlidingDeadline({ expiresAt: 1000, idleTtl: null }, 5000), undefined);
  });

  it("says a fixed deadline as expires_at and an idle one as idle_expires_at, never both", () => {
    assert.deepEqual(expiryFieldsOf({ expiresAt: 1000, idleTtl: null }), {
      expiry: "fixed",
      expires_at: 1000,
    });
    assert.deepEqual(expiryFieldsOf({ expiresAt: 1000, idleTtl: 100 }), {
      expiry: "idle",
      idle_expires_at: 1000,
    });
  });

  it("serves image/* and text/* inline, and active types as attachments", () => {
    assert.equal(contentDispositionFor("image/png"), "inline");
    assert.equal(contentDispositionFor("text/plain"), "inline");
    assert.equal(contentDispositionFor("application/zip"), undefined);
    for (const active of [
      "text/html",
      "image/svg+xml",
      "application/xml",
      "text/xml",
      "application/xhtml+xml",
      "text/javascript",
      "application/javascript",
      "application/ecmascript",
      "application/rss+xml",
    ]) {
      assert.equal(contentDispositionFor(active), "attachment", active);
    }
  });

  it("serves every script, WebAssembly and stylesheet type as text/plain, so no page of the paste origin can run it", () => {
    for (const code of [
      "text/javascript",
      "text/jscript",
      "text/livescript",
      "application/ecmascript",
      "application/x-javascript",
      "text/javascript1.5",
      "application/javascript+module",
      "application/wasm",
      "text/css",
    ]) {
      assert.equal(contentTypeHeaderFor(code), "text/plain", code);
      assert.equal(contentDispositionFor(code), "attachment", code);
    }
    assert.equal(contentTypeHeaderFor("application/json"), "application/json");
  });

  it("names the charset of text/plain, which is only ever stored for valid UTF-8", () => {
    assert.equal(contentTypeHeaderFor("text/plain"), "text/plain; charset=utf-8");
    assert.equal(contentTypeHeaderFor("image/png"), "image/png");
  });
});
