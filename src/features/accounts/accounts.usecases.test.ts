import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AccountDeps, login, register } from "./accounts.usecases.ts";

/** Dependencies a usecase must not reach: the form is refused on its own. */
const untouched = new Proxy({} as AccountDeps, {
  get(_target, name) {
    throw new Error(`the usecase reached deps.${String(name)} for a form it should refuse first`);
  },
});

const good = { username: "alice", password: "correct horse battery", publicKey: "27977 9431" };

describe("the account forms", () => {
  it("take an empty field for a missing one, as an HTML form sends it, and say which is missing first", async () => {
    const cases: [Partial<typeof good>, string][] = [
      [{}, "missing_username"],
      [{ ...good, username: "" }, "missing_username"],
      [{ ...good, password: "" }, "missing_password"],
      [{ username: "alice", password: "correct horse battery" }, "missing_public_key"],
      [{ ...good, publicKey: "" }, "missing_public_key"],
    ];
    for (const [form, code] of cases) {
      await assert.rejects(register(untouched, form), { status: 422, code }, JSON.stringify(form));
    }
    await assert.rejects(login(untouched, { username: "alice", password: "" }), {
      status: 422,
      code: "missing_password",
      message: "Password is required",
    });
  });

  it("refuse a username, password or public key outside its rule before anything is stored", async () => {
    const cases: [Partial<typeof good>, string, string][] = [
      [
        { ...good, username: "al" },
        "invalid_username",
        "Username must be 3 to 64 letters, digits or . _ - @",
      ],
      [
        { ...good, username: "alice smith" },
        "invalid_username",
        "Username must be 3 to 64 letters, digits or . _ - @",
      ],
      [{ ...good, password: "short" }, "invalid_password_length", "Password must be 8 to 1024 characters"],
      [
        { ...good, password: "x".repeat(1025) },
        "invalid_password_length",
        "Password must be 8 to 1024 characters",
      ],
      [
        { ...good, publicKey: "k".repeat(8193) },
        "invalid_public_key",
        "Public key must be at most 8192 printable characters",
      ],
      [
        { ...good, publicKey: "27977\n9431" },
        "invalid_public_key",
        "Public key must be at most 8192 printable characters",
      ],
    ];
    for (const [form, code, message] of cases) {
      await assert.rejects(register(untouched, form), { status: 422, code, message }, code);
    }
  });
});
