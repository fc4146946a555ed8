import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { problemsIn } from "./log-scan.ts";

describe("the log scanner", () => {
  it("flags secrets and contents, and passes ordinary lines", () => {
    assert.deepEqual(problemsIn('{"msg":"request completed","route":"/:id/raw"}'), []);
    assert.deepEqual(problemsIn('{"token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig"}'), ["a JWT"]);
    assert.deepEqual(problemsIn("-----BEGIN PRIVATE KEY-----"), ["a private key"]);
    assert.deepEqual(problemsIn(`secret ${"ab".repeat(64)}`), ["a function client secret"]);
    assert.deepEqual(problemsIn('{"password":"hunter2"}'), ['"hunter2"']);
  });
});
