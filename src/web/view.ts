/**
 * The paste page: asks for the password when the paste has one, asks before revealing a paste that
 * burns after reading, then fetches the content and decrypts it in the browser with the key from
 * the link's #fragment (docs/encryption.md).
 */
import { pasteContent, pasteMeta } from "../client/pastes.ts";
import { keyFromFragment, PasteCipherError } from "../protocol/paste-cipher.ts";
import { showContent } from "./content.ts";
import { byId, showError } from "./dom.ts";
import { pageClient, prefix, reasonOf, refusedWith } from "./page-client.ts";

const GONE = "This paste does not exist, has expired or was already read.";
const MALFORMED_KEY = "The link's key (after #) is malformed: the paste cannot be decrypted.";
const UNDECRYPTABLE =
  "Could not decrypt this paste: the key in the link is wrong, or the paste is not encrypted.";

export async function setupView(): Promise<void> {
  byId("view", HTMLElement).hidden = false;
  const id = location.pathname
    .slice(prefix.length)
    .replace(/^\//, "")
    .replace(/\/raw$/, "");
  const status = byId("view-status", HTMLElement);
  const passwordForm = byId("password-form", HTMLFormElement);
  const passwordField = byId("view-password", HTMLInputElement);
  const burnGuard = byId("burn-guard", HTMLElement);
  const reveal = byId("reveal", HTMLButtonElement);
  const key = location.hash ? keyFromFragment(location.hash) : null;
  if (location.hash && !key) status.textContent = MALFORMED_KEY;
  const client = pageClient();
  let password = "";

  const fail = (text: string) => showError(status, text);
  const refused = (err: unknown) => fail(refusedWith(err, 404) ? GONE : reasonOf(err));
  const askPassword = () => {
    passwordForm.hidden = false;
    passwordField.focus();
  };

  async function open(): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = await pasteContent(client, id, { password, ...(key ? { key: location.hash } : {}) });
    } catch (err) {
      return err instanceof PasteCipherError ? fail(UNDECRYPTABLE) : refused(err);
    }
    status.textContent = key ? "Decrypted in this browser." : "";
    showContent(bytes, id);
  }

  async function start(): Promise<void> {
    let meta: Awaited<ReturnType<typeof pasteMeta>>;
    try {
      meta = await pasteMeta(client, id, password);
    } catch (err) {
      if (refusedWith(err, 401)) return askPassword();
      if (refusedWith(err, 403)) {
        fail("Wrong password.");
        return askPassword();
      }
      return refused(err);
    }
    passwordForm.hidden = true;
    status.classList.remove("error");
    status.textContent = "";
    byId("view-meta", HTMLElement).textContent =
      `${meta.size} bytes · created ${new Date(meta.created_at * 1000).toLocaleString()}${meta.burn_after_read ? " · burns after reading" : ""}`;
    if (meta.burn_after_read) {
      burnGuard.hidden = false;
      reveal.focus();
      return;
    }
    await open();
  }

  passwordForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    password = passwordField.value;
    await start();
  });
  reveal.addEventListener("click", async () => {
    burnGuard.hidden = true;
    await open();
  });
  await start();
}
