/**
 * Several files, or one large one, from the create page (docs/web.md, "Files"): one version-2 paste
 * encrypted in the browser and sent with resumable uploads (uploadFiles, the CLI's code), with a row
 * per file showing its progress, the rate and the time left. A cut connection is resumed from where
 * the server is, within the page: when the browser says it is online again, or after a back-off.
 */
import type { Progress, SealbinClient } from "../client/client.ts";
import { ClientError } from "../client/errors.ts";
import type { PasteLimits } from "../client/pastes.ts";
import { mibPerSecond, rateAndLeft, timeLeft } from "../client/progress-rate.ts";
import { type UploadedPaste, type UploadSource, type UploadState, uploadFiles } from "../client/uploads.ts";
import { byId } from "./dom.ts";
import { formatSize } from "./format.ts";

/** Attempts after a cut connection, each after the browser is back online or a back-off. */
export const RESUME_ATTEMPTS = 8;
const BACKOFF_MAX_MS = 30_000;

async function* chunksOf(file: File): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

/** Resolves when the browser reports it is online again, or after `ms`, whichever is first. */
function backOnline(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener("online", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    window.addEventListener("online", done);
  });
}

/** The list of files being sent: a row each, with a bar and what is left. */
class UploadList {
  private readonly rows: { bar: HTMLProgressElement; text: HTMLElement }[] = [];
  private readonly starts: number[] = [];
  private readonly plainTotal: number;
  private readonly started = performance.now();
  private readonly files: readonly File[];

  constructor(files: readonly File[]) {
    this.files = files;
    const list = byId("upload-list", HTMLElement);
    list.replaceChildren();
    let at = 0;
    for (const file of files) {
      this.starts.push(at);
      at += file.size;
      const item = document.createElement("li");
      const name = document.createElement("span");
      name.className = "file-name";
      name.textContent = file.name;
      const bar = document.createElement("progress");
      bar.max = Math.max(1, file.size);
      bar.value = 0;
      bar.setAttribute("aria-label", `Upload of ${file.name}`);
      const text = document.createElement("span");
      text.className = "file-facts";
      text.textContent = `waiting · ${formatSize(file.size)}`;
      item.append(name, bar, text);
      list.append(item);
      this.rows.push({ bar, text });
    }
    this.plainTotal = at;
    list.hidden = false;
  }

  /** `done` of `total` ciphertext bytes are on the server: each file's share of it. */
  show(done: number, total: number): void {
    const plainDone = total > 0 ? (done / total) * this.plainTotal : 0;
    const overall = rateAndLeft(done, total, performance.now() - this.started);
    for (const [i, file] of this.files.entries()) {
      const row = this.rows[i];
      if (!row) continue;
      const mine = Math.max(0, Math.min(file.size, plainDone - (this.starts[i] ?? 0)));
      row.bar.value = file.size === 0 ? (done >= total ? 1 : 0) : mine;
      if (mine >= file.size && done > 0 && (file.size > 0 || done >= total)) {
        row.text.textContent = `sent · ${formatSize(file.size)}`;
        continue;
      }
      if (mine === 0) continue;
      // This file's remaining bytes, as ciphertext, at the rate so far.
      const toEnd = (((this.starts[i] ?? 0) + file.size - plainDone) * total) / this.plainTotal;
      const left = overall
        ? ` · ${mibPerSecond(overall.rate)}, ${timeLeft(Math.ceil(toEnd / overall.rate))} left`
        : "";
      row.text.textContent = `${formatSize(mine)} of ${formatSize(file.size)}${left}`;
    }
  }
}

export interface PageUpload {
  readonly files: readonly File[];
  readonly limits: PasteLimits | undefined;
  readonly maxViews?: number;
  readonly expirySeconds?: number;
  readonly password?: string;
  /** The status line's text as the upload goes (solving, sending, a cut and its resume). */
  readonly onStatus: (text: string) => void;
  readonly onProgress: (progress: Progress) => void;
}

/** Uploads the files as one paste, resuming after cut connections; its link. */
export async function uploadFromPage(client: SealbinClient, o: PageUpload): Promise<UploadedPaste> {
  const sources: UploadSource[] = o.files.map((f) => ({
    name: f.name,
    ...(f.type ? { type: f.type } : {}),
    size: f.size,
    open: () => chunksOf(f),
  }));
  const list = new UploadList(o.files);
  let state: UploadState | undefined;
  let sent = 0;
  let length = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadFiles(client, {
        files: sources,
        ...(o.maxViews !== undefined ? { maxViews: o.maxViews } : {}),
        ...(o.expirySeconds !== undefined ? { expirySeconds: o.expirySeconds } : {}),
        ...(o.password ? { password: o.password } : {}),
        ...(o.limits ? { limits: o.limits, identified: o.limits.callerIdentified === true } : {}),
        ...(state ? { resume: state } : {}),
        onState: (s) => {
          state = s;
          length = s.length;
          o.onStatus("Encrypting and uploading…");
        },
        onProgress: (p) => {
          o.onProgress(p);
          if (p.phase !== "upload" || !state) return;
          sent = p.done;
          list.show(p.done, p.total);
        },
      });
    } catch (err) {
      // The transport's ClientError is the page's (app.js): instanceof works by its brand.
      const cut = err instanceof ClientError && err.kind === "unreachable";
      if (!cut || !state || attempt > RESUME_ATTEMPTS) throw err;
      o.onStatus(
        `Connection lost after ${formatSize(sent)} of ${formatSize(length)}: resuming when the network is back…`,
      );
      await backOnline(Math.min(BACKOFF_MAX_MS, 1000 * 2 ** (attempt - 1)));
      o.onStatus(`Resuming the upload (attempt ${attempt} of ${RESUME_ATTEMPTS})…`);
    }
  }
}
