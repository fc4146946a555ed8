/**
 * A version-2 paste on the paste page (docs/encryption.md, docs/web.md "Files"): decrypted as it
 * downloads, each file gathered into a Blob (which the browser keeps on disk when it is large), and
 * listed — name, size, type, a Download link each — only once the whole stream has verified.
 */
import { type Pushed, splitFiles } from "../client/downloads.ts";
import { openStream } from "../protocol/stream-cipher.ts";
import { StreamCipherError, type StreamFile } from "../protocol/stream-metadata.ts";
import { byId } from "./dom.ts";
import { formatSize } from "./format.ts";
import { showFacts } from "./view-info.ts";

/**
 * The most the page decrypts: SEALBIN_MAX_FILE's default. Each file is a Blob of the pieces
 * gathered so far, remade every few megabytes, so that the browser can move it out of memory.
 */
export const PAGE_FILE_LIMIT = 1024 * 1024 * 1024;
const GATHER_BYTES = 8 * 1024 * 1024;

class Gathering {
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

/**
 * What came of a stream: its files, or why not. Said as a value, not thrown: this module is its own
 * bundle (files.js), so its error classes are not the page's and `instanceof` across the two fails.
 */
export type Gathered =
  | { readonly files: readonly StreamFile[]; readonly blobs: Blob[] }
  | { readonly failure: "keyless" | "not-verified" | "too-large"; readonly message: string };

/** Decrypts the stream that `source` carries into one Blob per file. */
export async function gatherFiles(key: Uint8Array, source: Pushed): Promise<Gathered> {
  let opened: Awaited<ReturnType<typeof openStream>>;
  try {
    opened = await openStream(key, source);
  } catch (err) {
    // The head did not open with the link's key: a wrong key (or a damaged head).
    if (err instanceof StreamCipherError) return { failure: "keyless", message: err.message };
    throw err;
  }
  const { files } = opened.metadata;
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > PAGE_FILE_LIMIT)
    return {
      failure: "too-large",
      message: `This paste holds more than ${PAGE_FILE_LIMIT / 2 ** 30} GiB of files, more than this page opens: use the sealbin command line (sealbin get LINK).`,
    };
  const gathered = files.map(() => new Gathering());
  try {
    await splitFiles(files, opened.content, (index, piece) => gathered[index]?.add(piece));
  } catch (err) {
    if (err instanceof StreamCipherError) return { failure: "not-verified", message: err.message };
    throw err;
  }
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
