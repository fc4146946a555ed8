/** Shows a paste's bytes on the paste page: highlighted text, an image, a player, or a file's size. */
import { byId } from "./dom.ts";
import { highlight } from "./highlight.ts";
import { sniff } from "./sniff.ts";

export function showContent(bytes: Uint8Array, id: string): void {
  const found = sniff(bytes);
  // A blob: URL runs on this page's origin when opened in a tab: it is typed only as what the page
  // itself recognised from the bytes (text/plain, images other than SVG, audio, video), never with
  // the type the server or the uploader declared (text/html and image/svg+xml would run script).
  const type = found.kind === "file" ? "application/octet-stream" : found.type;
  // The client's bytes are views of their own ArrayBuffer, as Blob wants.
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
  const url = URL.createObjectURL(blob);
  const content = byId("content", HTMLElement);
  content.replaceChildren();
  if (found.kind === "text") {
    const pre = document.createElement("pre");
    const code = document.createElement("code");
    highlight(found.text, code);
    pre.append(code);
    pre.tabIndex = 0;
    pre.setAttribute("aria-label", "Paste content");
    content.append(pre);
    const copy = byId("copy-text", HTMLButtonElement);
    copy.hidden = false;
    copy.onclick = () => navigator.clipboard.writeText(found.text);
  } else if (found.kind === "image") {
    const img = document.createElement("img");
    img.src = url;
    img.alt = "The pasted image";
    content.append(img);
  } else if (found.kind === "audio" || found.kind === "video") {
    const media = document.createElement(found.kind);
    media.controls = true;
    media.src = url;
    content.append(media);
  } else {
    const p = document.createElement("p");
    p.textContent = `A ${found.type} file of ${bytes.length} bytes.`;
    content.append(p);
  }
  const download = byId("download", HTMLAnchorElement);
  download.href = url;
  download.download = `${id}.${found.ext}`;
  byId("download-row", HTMLElement).hidden = false;
}
