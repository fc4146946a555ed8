/**
 * The create page: a paste from typed text or a chosen or dropped file, encrypted in the browser
 * unless unticked (the key goes in the link's #fragment; a file's name and type, and a text's
 * chosen format, travel inside the encryption), checked against the server's limits before any
 * work; the new link is shown with a QR code. The URL shortener is its own card (short.ts).
 */

import { ClientError } from "../client/errors.ts";
import { createPaste, type PasteLimits, pasteLimits } from "../client/pastes.ts";
import { RESUMABLE_FROM_BYTES } from "../client/uploads.ts";
import { utf8 } from "../protocol/bytes.ts";
import type { PasteMetadata } from "../protocol/paste-cipher.ts";
import { chosenViews, fillExpiry, fillFormats, setupViews } from "./create-options.ts";
import { byId, showError } from "./dom.ts";
import { formatSize } from "./format.ts";
import { type Format, typeOfFormat } from "./languages.ts";
import { loadFiles } from "./lazy.ts";
import { showLink } from "./link-card.ts";
import { pageClient, reasonOf, SOLVING, writeClient } from "./page-client.ts";
import { setupShortForm } from "./short.ts";

export const ENCRYPTED_TAGLINE = "encrypted in your browser — the server never sees the key";
export const PLAIN_TAGLINE = "not encrypted — the server can read what you paste";
const ENCRYPTED_HINT =
  "Encrypted in this browser: the key is in the link after #, which browsers never send to the server. Anyone with the link can read the paste.";
const PLAIN_HINT = "Not encrypted: the server can read this paste.";
const ALWAYS_ENCRYPTED = `several files, or a file of ${RESUMABLE_FROM_BYTES / 2 ** 20} MiB or more, are always encrypted: tick "Encrypt in the browser"`;

/** What the page starts with when a paste is cloned (view.ts): its text or file, and its format. */
export interface Prefill {
  readonly text?: string;
  readonly file?: File;
  readonly format?: Format;
}

export function setupCreate(prefill: Prefill = {}): void {
  byId("create", HTMLElement).hidden = false;
  byId("view", HTMLElement).hidden = true;
  document.body.dataset.view = "create";
  document.title = "sealbin";
  fillFormats(prefill.format);
  fillExpiry(undefined);
  setupViews();
  // GET / says the limits and what the default expiry is; a paste is checked against them before
  // it is encrypted or any proof-of-work is solved.
  const limits = pasteLimits(pageClient()).catch(() => undefined);
  void limits.then(fillExpiry);
  setupTagline();
  setupPasteForm(limits, prefill);
  setupShortForm();
  if (prefill.text !== undefined || prefill.file) {
    byId("create-title", HTMLElement).textContent = "New paste (a copy)";
    byId("text", HTMLTextAreaElement).focus();
  }
}

function setupTagline(): void {
  const encrypt = byId("encrypt", HTMLInputElement);
  const tagline = byId("tagline", HTMLElement);
  const follow = () => {
    tagline.textContent = encrypt.checked ? ENCRYPTED_TAGLINE : PLAIN_TAGLINE;
  };
  encrypt.addEventListener("change", follow);
  follow();
}

/** This browser's limit: what GET / said applies to it (a client certificate through a proxy raises it). */
const limitOf = (limits: PasteLimits | undefined) => limits?.callerMaxSize ?? limits?.maxSizeAnon;

/** What a paste over the limit is told, in units that fit the sizes. */
function tooLargeText(size: number, limits: PasteLimits | undefined, maxSize = limitOf(limits)): string {
  const identified = limits?.callerIdentified === true;
  const more =
    !identified && limits && maxSize !== undefined && limits.maxSizeAuth > maxSize
      ? ` (${formatSize(limits.maxSizeAuth)} with a client certificate)`
      : "";
  const whose = identified ? "authenticated" : "anonymous";
  return `paste too large: ${formatSize(size)}, the limit for ${whose} pastes is ${maxSize === undefined ? "lower" : formatSize(maxSize)}${more}`;
}

/** Whether these files go as a resumable version-2 upload (files.js) rather than one POST /. */
const goesResumably = (files: readonly File[]): boolean =>
  files.length > 1 || (files[0]?.size ?? 0) >= RESUMABLE_FROM_BYTES;

/** This browser's limit for files sent resumably: MAX_FILE when identified, else the anonymous one. */
const fileLimitOf = (limits: PasteLimits | undefined) =>
  limits?.callerIdentified ? (limits.maxFile ?? limitOf(limits)) : limitOf(limits);

/** Files over the limit, said before they are read: their sizes alone are enough. */
function fileTooLarge(files: readonly File[], limits: PasteLimits | undefined): string | undefined {
  const size = files.reduce((sum, f) => sum + f.size, 0);
  const max = goesResumably(files) ? fileLimitOf(limits) : limitOf(limits);
  if (max === undefined || size <= max) return undefined;
  return tooLargeText(size, limits, max);
}

/** Why the paste was not made: the sizes when it is too large (said by the client or the server). */
function failureText(err: unknown, limits: PasteLimits | undefined): string {
  if (err instanceof ClientError && err.kind === "too-large") {
    const { size, max_size: max } = err.body ?? {};
    if (typeof size === "number" && typeof max === "number") return tooLargeText(size, limits, max);
  }
  return reasonOf(err);
}

function setupPasteForm(limitsReady: Promise<PasteLimits | undefined>, prefill: Prefill): void {
  const form = byId("paste-form", HTMLFormElement);
  const text = byId("text", HTMLTextAreaElement);
  const fileField = byId("file", HTMLInputElement);
  const clearFile = byId("clear-file", HTMLButtonElement);
  const status = byId("create-status", HTMLElement);
  const button = byId("create-button", HTMLButtonElement);
  const bar = byId("pow-progress", HTMLProgressElement);
  const format = byId("format", HTMLSelectElement);

  let files: File[] = [];
  const pick = async (picked: File[]) => {
    files = picked;
    const f = picked[0];
    clearFile.hidden = !f;
    text.disabled = Boolean(f);
    format.disabled = Boolean(f);
    status.classList.remove("error");
    const total = picked.reduce((sum, p) => sum + p.size, 0);
    const named = picked.length > 1 ? `${picked.length} files` : f ? `File: ${f.name}` : "";
    status.textContent = f ? `${named} (${formatSize(total)})` : "";
    const over = f ? fileTooLarge(picked, await limitsReady) : undefined;
    if (over && files === picked) showError(status, `${named}: ${over}`);
  };
  fileField.addEventListener("change", () => void pick(Array.from(fileField.files ?? [])));
  clearFile.addEventListener("click", () => {
    fileField.value = "";
    void pick([]);
  });
  const drop = byId("drop", HTMLElement);
  for (const type of ["dragenter", "dragover"] as const)
    drop.addEventListener(type, (e) => {
      e.preventDefault();
      drop.classList.add("over");
    });
  for (const type of ["dragleave", "drop"] as const)
    drop.addEventListener(type, () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    const dropped = Array.from(e.dataTransfer?.files ?? []);
    if (dropped.length > 0) void pick(dropped);
  });
  if (prefill.text !== undefined) text.value = prefill.text;
  if (prefill.file) void pick([prefill.file]);

  const done = (link: string, hint: string) => {
    status.textContent = "";
    form.hidden = true;
    byId("open-paste", HTMLAnchorElement).href = link;
    showLink({ root: "result", field: "link", hint: "result-hint", copy: "copy", qr: "qr" }, link, hint);
  };
  /** Several files, or a large one: always encrypted, sent resumably (upload-files.ts). */
  const sendFiles = async (picked: File[], limits: PasteLimits | undefined) => {
    if (!byId("encrypt", HTMLInputElement).checked)
      return showError(status, `Could not create the paste: ${ALWAYS_ENCRYPTED}`);
    const expiry = byId("expiry", HTMLSelectElement).value;
    const password = byId("password", HTMLInputElement).value;
    const views = byId("burn", HTMLInputElement).checked ? 1 : chosenViews();
    status.textContent = "Encrypting…";
    const { client, onProgress } = writeClient(bar, {
      solving: () => {
        status.textContent = SOLVING;
      },
    });
    const { uploadFromPage } = await loadFiles();
    const created = await uploadFromPage(client, {
      files: picked,
      limits,
      ...(views !== undefined ? { maxViews: views } : {}),
      ...(expiry ? { expirySeconds: Number(expiry) } : {}),
      ...(password ? { password } : {}),
      onStatus: (t) => {
        status.textContent = t;
      },
      onProgress,
    });
    done(created.link, ENCRYPTED_HINT);
  };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.classList.remove("error");
    const picked = files;
    const chosen: File | null = picked[0] ?? null;
    button.disabled = true;
    let limits: PasteLimits | undefined;
    try {
      limits = await limitsReady;
      const over = chosen ? fileTooLarge(picked, limits) : undefined;
      if (over) return showError(status, `Could not create the paste: ${over}`);
      if (goesResumably(picked)) return await sendFiles(picked, limits);
      const plaintext = chosen ? new Uint8Array(await chosen.arrayBuffer()) : utf8(text.value);
      if (plaintext.length === 0)
        return showError(status, "Nothing to paste: type some text or choose a file.");
      const encrypt = byId("encrypt", HTMLInputElement).checked;
      const chosenFormat = format.value as Format;
      const meta: PasteMetadata | undefined = chosen
        ? { name: chosen.name, ...(chosen.type ? { type: chosen.type } : {}) }
        : typeOfFormat(chosenFormat)
          ? { type: typeOfFormat(chosenFormat) as string }
          : undefined;
      const expiry = byId("expiry", HTMLSelectElement).value;
      const password = byId("password", HTMLInputElement).value;
      const views = chosenViews();
      status.textContent = encrypt ? "Encrypting…" : "Sending…";
      const { client, onProgress } = writeClient(bar, {
        solving: () => {
          status.textContent = SOLVING;
        },
        sending: () => {
          status.textContent = "Uploading…";
        },
      });
      const created = await createPaste(client, {
        content: plaintext,
        encrypt,
        ...(encrypt && meta ? { meta } : {}),
        ...(limits ? { limits } : {}),
        contentType: chosen?.type || (chosenFormat === "markdown-rendered" ? "text/markdown" : "text/plain"),
        burnAfterRead: byId("burn", HTMLInputElement).checked,
        ...(views !== undefined ? { maxViews: views } : {}),
        ...(expiry ? { expirySeconds: Number(expiry) } : {}),
        ...(password ? { password } : {}),
        onProgress,
      });
      done(created.link, created.fragment ? ENCRYPTED_HINT : PLAIN_HINT);
    } catch (err) {
      showError(status, `Could not create the paste: ${failureText(err, limits)}`);
    } finally {
      button.disabled = false;
      bar.hidden = true;
    }
  });
}
