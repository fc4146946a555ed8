/**
 * The paste page: asks for the password when the paste has one, asks before revealing a paste whose
 * views are counted (burn after reading, X-Max-Views: each reveal uses one), then fetches the content and decrypts it in the browser with the key from
 * the link's #fragment (docs/encryption.md). A link without its key, or with a wrong one, says so
 * and shows none of the ciphertext; an encrypted paste whose link has no key is never fetched (it
 * could not be shown, and a burn-after-read paste would be lost).
 */
import type { Progress } from "../client/client.ts";
import { VersionSink } from "../client/downloads.ts";
import { pasteContent, pasteMeta, pasteRaw } from "../client/pastes.ts";
import {
  keyFromFragment,
  openPaste,
  PasteCipherError,
  type PasteMetadata,
} from "../protocol/paste-cipher.ts";
import { type CloneSource, showContent } from "./content.ts";
import { setupCreate } from "./create.ts";
import { byId, showError } from "./dom.ts";
import type { Gathered } from "./files-view.ts";
import { loadFiles } from "./lazy.ts";
import { pageClient, prefix, reasonOf, refusedWith } from "./page-client.ts";
import { setupReport } from "./report.ts";
import { isLastView, showFacts, showMetaFacts, viewsText } from "./view-info.ts";

const GONE = "This paste does not exist, has expired or was already read.";
/** A quarantined paste: the server answers 451 (docs/moderation.md). */
export const UNAVAILABLE = "This paste is unavailable for legal reasons.";
export const KEYLESS =
  "This paste is encrypted and the link has no key (or a wrong one). Ask whoever sent it for the whole link: the key is the part after #.";
const NOT_VERIFIED =
  "This paste did not verify: it was altered or cut short on its way. Nothing of it is shown.";
const DECRYPTED_TAGLINE = "decrypted in your browser — the server never sees the key";
const SEALED_TAGLINE = "encrypted — only the full link opens it";
const PLAIN_TAGLINE = "not encrypted — the server can read this paste";
const GUARD_LAST =
  "This paste will be deleted as soon as it is shown. Only reveal it if you are its intended reader.";
const guardSeveral = (left: number) =>
  `This paste can be shown ${left} more times, then it is deleted: revealing it now uses one.`;
/** How the page knows an encrypted paste: clients upload it as opaque bytes. */
const SEALED_TYPE = "application/octet-stream";

export async function setupView(): Promise<void> {
  byId("view", HTMLElement).hidden = false;
  const id = location.pathname
    .slice(prefix.length)
    .replace(/^\//, "")
    .replace(/\/raw$/, "");
  const status = byId("view-status", HTMLElement);
  const tagline = byId("tagline", HTMLElement);
  const passwordForm = byId("password-form", HTMLFormElement);
  const passwordField = byId("view-password", HTMLInputElement);
  const burnGuard = byId("burn-guard", HTMLElement);
  const guardText = byId("burn-guard-text", HTMLElement);
  const reveal = byId("reveal", HTMLButtonElement);
  // A fragment that is not a key (#L10, a truncated link) is no key.
  const key = location.hash ? keyFromFragment(location.hash) : null;
  const client = pageClient();
  // Offered once the paste is known to be there; withdrawn when it is gone or unavailable.
  const reportLink = setupReport(key !== null);
  let password = "";
  /** The type the server recorded for the paste. */
  let mimeType = "";

  const fail = (text: string) => showError(status, text);
  const refused = (err: unknown) => {
    reportLink.hide();
    fail(refusedWith(err, 404) ? GONE : refusedWith(err, 451) ? UNAVAILABLE : reasonOf(err));
  };
  const askPassword = () => {
    passwordForm.hidden = false;
    passwordField.focus();
  };
  const keyless = () => {
    byId("view-title", HTMLElement).textContent = "Encrypted paste";
    tagline.textContent = SEALED_TAGLINE;
    fail(KEYLESS);
  };
  const clone = (source: CloneSource) => {
    history.pushState(null, "", `${prefix}/`);
    setupCreate(source);
  };
  // Back from a clone to the paste: show it again as it was loaded.
  window.addEventListener("popstate", () => location.reload());

  /** Fetches and shows the content; `shown` runs once it is on the page (a view was used). */
  async function open(sealed: boolean, revealed: boolean, last: boolean, shown?: () => void): Promise<void> {
    let stored: Uint8Array;
    // With a key, the first bytes tell a version-2 stream (files: files-view.ts) from a version-1 paste.
    let gathering: Promise<Gathered> | undefined;
    const split = key
      ? new VersionSink((pushed) => {
          gathering = loadFiles().then((f) => f.gatherFiles(key, pushed));
          // A stream that failed stops the reader: the rest of the body is let through.
          gathering.then(
            (got) => "failure" in got && pushed.abandon(),
            () => pushed.abandon(),
          );
        })
      : undefined;
    try {
      const onProgress = (p: Progress) => {
        if (p.phase === "download" && p.total > 0)
          status.textContent = `Downloading… ${Math.floor((100 * p.done) / p.total)} %`;
      };
      if (split) {
        await pasteRaw(client, id, { password, onProgress, sink: split.sink }).catch((err: unknown) => {
          split.pushed.end(err);
          throw err;
        });
        split.pushed.end();
        stored = split.held();
      } else stored = await pasteContent(client, id, { password, onProgress });
    } catch (err) {
      return refused(err);
    }
    if (gathering) {
      const view = await loadFiles();
      const got = await gathering;
      if ("failure" in got) {
        if (got.failure === "keyless") return keyless();
        return fail(got.failure === "not-verified" ? NOT_VERIFIED : got.message);
      }
      status.classList.remove("error");
      status.textContent = "";
      tagline.textContent = DECRYPTED_TAGLINE;
      view.showFiles(got.files, got.blobs);
      shown?.();
      if (last) reportLink.hide();
      if (revealed) byId("content", HTMLElement).focus();
      return;
    }
    let bytes = stored;
    let record: PasteMetadata = {};
    let decrypted = false;
    if (key) {
      try {
        ({ content: bytes, meta: record } = await openPaste(stored, key));
        decrypted = true;
      } catch (err) {
        if (!(err instanceof PasteCipherError)) throw err;
        // The server's type says the paste was not sealed: it is shown as it is.
        if (sealed) return keyless();
      }
    }
    status.classList.remove("error");
    status.textContent =
      key && !decrypted ? "This paste is not encrypted: the link's key is not needed." : "";
    tagline.textContent = decrypted ? DECRYPTED_TAGLINE : PLAIN_TAGLINE;
    showContent({ bytes, id, meta: record, serverType: mimeType }, clone);
    shown?.();
    // A paste whose last view this was is gone from the server now: nothing is left to report.
    if (last) reportLink.hide();
    // The reveal button is gone: focus moves to what it revealed.
    if (revealed) {
      const content = byId("content", HTMLElement);
      (content.querySelector<HTMLElement>("pre, audio, video") ?? content).focus();
    }
  }

  async function start(): Promise<void> {
    let meta: Awaited<ReturnType<typeof pasteMeta>>;
    try {
      meta = await pasteMeta(client, id, password);
    } catch (err) {
      if (refusedWith(err, 401) || refusedWith(err, 403)) reportLink.show();
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
    mimeType = meta.mime_type;
    showMetaFacts(meta);
    reportLink.show();
    const sealed = meta.mime_type === SEALED_TYPE;
    if (sealed && !key) return keyless();
    const left = meta.views_left;
    if (left !== undefined || meta.burn_after_read) {
      const last = isLastView(meta);
      // Each reveal uses a view: a link previewer, or a click by mistake, must not spend one.
      guardText.textContent = last ? GUARD_LAST : guardSeveral(left ?? 0);
      reveal.textContent = last ? "Reveal and delete" : "Reveal (uses one view)";
      burnGuard.hidden = false;
      reveal.focus();
      reveal.onclick = async () => {
        burnGuard.hidden = true;
        await open(sealed, true, last, () => {
          if (left !== undefined) showFacts({ Views: viewsText({ ...meta, views_left: left - 1 }) });
        });
      };
      return;
    }
    await open(sealed, false, false);
  }

  passwordForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    password = passwordField.value;
    await start();
  });
  await start();
}
