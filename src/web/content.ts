/**
 * Shows a paste's bytes on the paste page — text (text-view.ts), an image, a player, or a file — and
 * sets up its actions: Raw and Copy for text, Download for all (under the file's own name when the
 * paste carries one), Clone.
 */
import type { PasteMetadata } from "../protocol/paste-cipher.ts";
import { byId } from "./dom.ts";
import { formatSize } from "./format.ts";
import { type Format, formatOfFileName, formatOfType, LANGUAGES } from "./languages.ts";
import { sniff } from "./sniff.ts";
import { showText } from "./text-view.ts";
import { showFacts } from "./view-info.ts";

export interface Opened {
  readonly bytes: Uint8Array;
  readonly id: string;
  /** What the paste's encrypted metadata says (nothing for a paste without it). */
  readonly meta: PasteMetadata;
  /** The type the server recorded (meaningful for an unencrypted paste only). */
  readonly serverType: string;
}

/** What Clone starts the create page with: text to edit, or the file to send again. */
export interface CloneSource {
  readonly text?: string;
  readonly file?: File;
  readonly format?: Format;
}

const blobUrl = (bytes: Uint8Array, type: string) =>
  // The client's bytes are views of their own ArrayBuffer, as Blob wants.
  URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));

export function showContent(opened: Opened, onClone: (source: CloneSource) => void): void {
  const { bytes, id, meta } = opened;
  const found = sniff(bytes);
  // A blob: URL runs on this page's origin when opened in a tab: it is typed only as what the page
  // itself recognised from the bytes (text/plain, images other than SVG, audio, video), never with
  // the type the server or the uploader declared (text/html and image/svg+xml would run script).
  const type = found.kind === "file" ? "application/octet-stream" : found.type;
  const url = blobUrl(bytes, type);
  const content = byId("content", HTMLElement);
  content.replaceChildren();
  const name = meta.name;
  if (name) {
    byId("view-title", HTMLElement).textContent = name;
    document.title = `${name} — sealbin`;
  }
  let format: Format | undefined;
  if (found.kind === "text") {
    const declared = meta.type ?? (opened.serverType === "text/plain" ? undefined : opened.serverType);
    format = formatOfType(declared) ?? formatOfFileName(name);
    showText(found.text, format);
    const raw = byId("raw", HTMLAnchorElement);
    raw.href = blobUrl(bytes, "text/plain; charset=utf-8");
    raw.hidden = false;
    const copy = byId("copy-text", HTMLButtonElement);
    copy.hidden = false;
    copy.onclick = async () => {
      try {
        await navigator.clipboard.writeText(found.text);
        copy.textContent = "Copied";
      } catch {
        copy.textContent = "Copy failed";
      }
    };
  } else if (found.kind === "image") {
    const img = document.createElement("img");
    img.src = url;
    img.alt = name ? `The pasted image ${name}` : "The pasted image";
    content.append(img);
  } else if (found.kind === "audio" || found.kind === "video") {
    const media = document.createElement(found.kind);
    media.controls = true;
    media.src = url;
    media.setAttribute("aria-label", name ?? `The pasted ${found.kind}`);
    content.append(media);
  } else {
    const p = document.createElement("p");
    p.textContent = `${name ?? "This file"} cannot be shown here: download it to open it.`;
    content.append(p);
  }
  const shownType = meta.type ?? (found.kind === "file" ? opened.serverType : found.type);
  const language =
    format && format in LANGUAGES ? ` (${LANGUAGES[format as keyof typeof LANGUAGES].label})` : "";
  showFacts({ Size: formatSize(bytes.length), Type: `${shownType}${language}` });

  const download = byId("download", HTMLAnchorElement);
  download.href = url;
  download.download = name || `${id}.${found.ext}`;
  download.hidden = false;
  const clone = byId("clone", HTMLButtonElement);
  clone.hidden = false;
  clone.onclick = () =>
    onClone(
      found.kind === "text"
        ? { text: found.text, ...(format ? { format } : {}) }
        : {
            file: new File([bytes as Uint8Array<ArrayBuffer>], name || `${id}.${found.ext}`, {
              type: meta.type ?? (found.kind === "file" ? "" : found.type),
            }),
          },
    );
}
