/**
 * The create page: a paste from typed text or a chosen or dropped file, encrypted in the browser
 * unless unticked (the key goes in the link's #fragment), and the URL shortener; the new link is
 * shown with a QR code.
 */
import qrcode from "qrcode-generator";
import { createPaste, shortenUrl } from "../client/pastes.ts";
import { utf8 } from "../protocol/bytes.ts";
import { byId, showError } from "./dom.ts";
import { reasonOf, writeClient } from "./page-client.ts";

const ENCRYPTED_HINT =
  "Encrypted in this browser: the key is in the link after #, which browsers never send to the server. Anyone with the link can read the paste.";
const PLAIN_HINT = "Not encrypted: the server can read this paste.";
const SOLVING = "Solving the proof-of-work…";

function showLink(link: string, hint: string): void {
  byId("result", HTMLElement).hidden = false;
  const field = byId("link", HTMLInputElement);
  field.value = link;
  byId("result-hint", HTMLElement).textContent = hint;
  const qr = qrcode(0, "M");
  qr.addData(link);
  qr.make();
  byId("qr", HTMLImageElement).src = qr.createDataURL(4, 2);
  field.focus();
  field.select();
}

export function setupCreate(): void {
  byId("create", HTMLElement).hidden = false;
  const bar = byId("pow-progress", HTMLProgressElement);
  setupPasteForm(bar);
  setupCopy();
  setupShortForm(bar);
}

function setupPasteForm(bar: HTMLProgressElement): void {
  const form = byId("paste-form", HTMLFormElement);
  const text = byId("text", HTMLTextAreaElement);
  const fileField = byId("file", HTMLInputElement);
  const clearFile = byId("clear-file", HTMLButtonElement);
  const status = byId("create-status", HTMLElement);
  const button = byId("create-button", HTMLButtonElement);

  let file: File | null = null;
  const pick = (f: File | null) => {
    file = f;
    clearFile.hidden = !f;
    text.disabled = Boolean(f);
    status.textContent = f ? `File: ${f.name} (${f.size} bytes)` : "";
  };
  fileField.addEventListener("change", () => pick(fileField.files?.[0] ?? null));
  clearFile.addEventListener("click", () => {
    fileField.value = "";
    pick(null);
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
    const f = e.dataTransfer?.files?.[0];
    if (f) pick(f);
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.classList.remove("error");
    const chosen: File | null = file;
    const plaintext = chosen ? new Uint8Array(await chosen.arrayBuffer()) : utf8(text.value);
    if (plaintext.length === 0) {
      showError(status, "Nothing to paste: type some text or choose a file.");
      return;
    }
    button.disabled = true;
    try {
      const expiry = byId("expiry", HTMLSelectElement).value;
      const password = byId("password", HTMLInputElement).value;
      status.textContent = SOLVING;
      const { client, onProgress } = writeClient(bar, () => {
        status.textContent = "Uploading…";
      });
      const created = await createPaste(client, {
        content: plaintext,
        encrypt: byId("encrypt", HTMLInputElement).checked,
        contentType: chosen?.type || "text/plain",
        burnAfterRead: byId("burn", HTMLInputElement).checked,
        ...(expiry ? { expirySeconds: Number(expiry) } : {}),
        ...(password ? { password } : {}),
        onProgress,
      });
      status.textContent = "";
      form.hidden = true;
      showLink(created.link, created.fragment ? ENCRYPTED_HINT : PLAIN_HINT);
    } catch (err) {
      showError(status, `Could not create the paste: ${reasonOf(err)}`);
    } finally {
      button.disabled = false;
      bar.hidden = true;
    }
  });
}

function setupCopy(): void {
  const copy = byId("copy", HTMLButtonElement);
  const link = byId("link", HTMLInputElement);
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(link.value);
      copy.textContent = "Copied";
    } catch {
      link.select();
      copy.textContent = "Press Ctrl+C";
    }
  });
}

function setupShortForm(bar: HTMLProgressElement): void {
  const form = byId("short-form", HTMLFormElement);
  const status = byId("short-status", HTMLElement);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.classList.remove("error");
    try {
      status.textContent = SOLVING;
      const { client, onProgress } = writeClient(bar);
      const short = await shortenUrl(client, byId("short-url", HTMLInputElement).value, { onProgress });
      status.textContent = "";
      showLink(short.link, `Redirects to ${short.answer.target_url}`);
    } catch (err) {
      showError(status, `Could not shorten: ${reasonOf(err)}`);
    } finally {
      bar.hidden = true;
    }
  });
}
