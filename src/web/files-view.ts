/**
 * A version-2 paste on the paste page (docs/encryption.md, docs/web.md "Files"): decrypted as it
 * downloads, each file gathered into a Blob (which the browser keeps on disk when it is large), and
 * listed — name, size, type, a Download link each — only once the whole stream has verified.
 */
import { type Pushed, splitFiles } from "../client/downloads.ts";
import { openStream } from "../protocol/stream-cipher.ts";
import type { StreamFile } from "../protocol/stream-metadata.ts";
import { byId } from "./dom.ts";
import { formatSize } from "./format.ts";
import { showFacts } from "./view-info.ts";

/**
 * The most the page decrypts: SEALBIN_MAX_FILE's default. Each file is a Blob of the pieces
 * gathered so far, remade every few megabytes, so that the browser can move it out of memory.
 */
export const PAGE_FILE_LIMIT = 1024 * 1024 * 1024;
const GATHER_BYTES = 8 * 1024 * 1024;

class Gathered {
  private blob = new Blob([]);
  private parts: Uint8Array<ArrayBuffer>[] = [];
  private partBytes = 0;

  add(piece: Uint8Array): void {
    this.parts.push(piece.slice() as Uint8Array<ArrayBuffer>);
    this.partBytes += piece.length;
    if (this.partBytes >= GATHER_BYTES) this.flush();
  }

  private flush(): void {
    this.blob = new Blob([this.blob, ...this.parts]);
    this.parts = [];
    this.partBytes = 0;
  }

  done(): Blob {
    this.flush();
    return this.blob;
  }
}

/** A name safe to offer to the browser's download: no directory part, no leading dot. */
const downloadName = (name: string): string =>
  name
    .split(/[\\/]/)
    .pop()
    ?.replace(/^\.+/, "")
    .replace(/[\p{Cc}]/gu, "") || "file";

/** The stream's head did not open with the link's key: a wrong key (or a damaged head). */
export class HeadRefused extends Error {}

/** Decrypts the stream that `source` carries into one Blob per file. */
export async function gatherFiles(
  key: Uint8Array,
  source: Pushed,
): Promise<{ files: readonly StreamFile[]; blobs: Blob[] }> {
  const opened = await openStream(key, source).catch((err: unknown) => {
    throw new HeadRefused(String((err as Error)?.message ?? err));
  });
  const { files } = opened.metadata;
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > PAGE_FILE_LIMIT) throw new RangeError("too large for the page");
  const gathered = files.map(() => new Gathered());
  await splitFiles(files, opened.content, (index, piece) => gathered[index]?.add(piece));
  return { files, blobs: gathered.map((g) => g.done()) };
}

/** Lists the files, each with its own Download link (typed as bytes: nothing from a paste runs here). */
export function showFiles(files: readonly StreamFile[], blobs: readonly Blob[]): void {
  const content = byId("content", HTMLElement);
  const list = document.createElement("ul");
  list.id = "file-list";
  list.className = "file-list";
  for (const [i, file] of files.entries()) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.className = "file-name";
    name.textContent = file.name;
    const facts = document.createElement("span");
    facts.className = "file-facts";
    facts.textContent = `${formatSize(file.size)}${file.type ? ` · ${file.type}` : ""}`;
    const link = document.createElement("a");
    link.className = "button";
    link.textContent = "Download";
    link.href = URL.createObjectURL(
      new Blob([blobs[i] ?? new Blob([])], { type: "application/octet-stream" }),
    );
    link.download = downloadName(file.name);
    link.setAttribute("aria-label", `Download ${file.name}`);
    item.append(name, facts, link);
    list.append(item);
  }
  content.replaceChildren(list);
  const title = files.length === 1 ? (files[0]?.name ?? "File") : `${files.length} files`;
  byId("view-title", HTMLElement).textContent = title;
  document.title = `${title} — sealbin`;
  const size = files.reduce((sum, f) => sum + f.size, 0);
  showFacts({ Size: formatSize(size), Files: String(files.length) });
}
