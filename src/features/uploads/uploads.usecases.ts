import type { Readable } from "node:stream";
import type { Caller } from "../../shared/caller.ts";
import { AppError } from "../../shared/errors.ts";
import { randomHexId } from "../../shared/ids.ts";
import { chunkStored } from "../../shared/memory.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { PasteMeta, Store, UploadRecord } from "../../store/store.ts";
import { CHUNK_SIZE, scanChunks } from "../pastes/pastes.content.ts";
import { pasteErrors } from "../pastes/pastes.errors.ts";
import { type PasteSettings, storeReceived } from "../pastes/pastes.store.ts";
import {
  type ClientKey,
  type CreatePasteDeps,
  checkPasswordLength,
  maxUploadFor,
  passwordHashFor,
} from "../pastes/pastes.usecases.ts";
import { uploadErrors } from "./uploads.errors.ts";
import { settingsOf, UPLOAD_IDLE_SECONDS, type UploadSettings } from "./uploads.models.ts";

/** POST /'s dependencies, with the uploads' part of the store. */
export interface UploadDeps extends CreatePasteDeps {
  readonly store: Pick<Store, "abuse" | "pastes" | "uploads">;
}

export interface NewUploadInput {
  readonly caller: Caller;
  readonly clientKey: ClientKey;
  readonly proofOfWork: { readonly token: string | undefined; readonly solution: string | undefined };
  readonly length: number;
  readonly maxViews: number | null;
  readonly expirySeconds: number | undefined;
  readonly password: Uint8Array | undefined;
  readonly declaredType: string | undefined;
}

/** Where an upload is after a request: its offset, and the paste once it is complete. */
export interface UploadState {
  readonly upload: UploadRecord;
  readonly offset: number;
  readonly paste: PasteMeta | undefined;
}

/**
 * Resumable uploads (tus 1.0, docs/uploads.md). Creating one applies every rule of POST / that can
 * be applied before the content (the write switch, the password's length, proof-of-work, the
 * caller's size limit, the view limit and expiry asked for); each PATCH stores its bytes in chunks
 * as they arrive, every chunk committed with the upload's new offset, so an upload cut by a dropped
 * connection or a restart resumes from the last stored byte on any process; the last byte makes it
 * a paste by the rest of POST /'s rules (size, content rules, dedup, the blocklist), and an
 * abandoned upload is reaped with its chunks after UPLOAD_IDLE_SECONDS.
 */
export class Uploads {
  private readonly deps: UploadDeps;

  constructor(deps: UploadDeps) {
    this.deps = deps;
  }

  private now(): number {
    return unixSeconds(this.deps.clock.now());
  }

  async create(input: NewUploadInput): Promise<UploadRecord> {
    const { deps } = this;
    const { caller } = input;
    await deps.writes.check(caller);
    checkPasswordLength(input.password);
    const max = maxUploadFor(caller.fingerprint, deps.config);
    if (input.length > max) throw pasteErrors.tooLarge(input.length, max, caller.fingerprint !== null);
    if (input.length === 0) throw pasteErrors.noContent();
    if (input.length < deps.config.minSize) throw pasteErrors.tooSmall(input.length, deps.config.minSize);
    await deps.pow.verify(input.proofOfWork.token, input.proofOfWork.solution);
    const now = this.now();
    const settings: UploadSettings = {
      maxViews: input.maxViews,
      expirySeconds: input.expirySeconds ?? null,
      passwordHash: await passwordHashFor(deps.config, input.password, input.clientKey),
      source: (await deps.sources.recordFor(input.clientKey)) ?? null,
      trustLevel: caller.trustLevel,
      declaredType: input.declaredType ?? null,
    };
    const upload = {
      id: randomHexId(32),
      owner: caller.fingerprint,
      blobId: randomHexId(32),
      length: input.length,
      options: JSON.stringify(settings),
      createdAt: now,
      expiresAt: now + UPLOAD_IDLE_SECONDS,
    };
    await deps.store.uploads.createUpload(upload);
    // Counted for anti-flood as a creation: the upload holds a write's resources from now on.
    await deps.pow.recordCreation();
    return { ...upload, received: 0, chunks: 0, pasteId: null };
  }

  /** The caller's upload: one someone else owns is as unknown as one that never was. */
  async find(caller: Caller, id: string): Promise<UploadRecord> {
    const upload = await this.deps.store.uploads.findUpload(id, this.now());
    if (!upload || (upload.owner !== null && upload.owner !== caller.fingerprint))
      throw uploadErrors.notFound();
    return upload;
  }

  /**
   * PATCH: stores `body` from `offset` on, a chunk of at most CHUNK_SIZE at a time, each committed
   * with the new offset. A body cut short keeps what arrived. The upload's last byte makes the paste.
   */
  async append(caller: Caller, id: string, offset: number, body: Readable): Promise<UploadState> {
    const upload = await this.find(caller, id);
    if (upload.pasteId !== null) throw uploadErrors.complete();
    if (offset !== upload.received) throw uploadErrors.offsetMismatch(upload.received);
    const { store } = this.deps;
    let at = offset;
    let chunks = upload.chunks;
    // Pieces are copied into one chunk buffer as they come, and counted for a young collection
    // (src/shared/memory.ts): the socket's buffers die at once instead of waiting for a full one.
    const staging = Buffer.allocUnsafeSlow(Math.min(CHUNK_SIZE, upload.length - offset));
    let staged = 0;
    const flush = async () => {
      if (staged === 0) return;
      const piece = staging.subarray(0, staged);
      if (!(await store.uploads.appendChunk(id, at, piece, this.now() + UPLOAD_IDLE_SECONDS))) {
        throw uploadErrors.offsetMismatch(at);
      }
      at += staged;
      staged = 0;
      chunks++;
    };
    try {
      for await (let data of body as AsyncIterable<Buffer>) {
        if (at + staged + data.length > upload.length) throw uploadErrors.pastLength(upload.length);
        chunkStored(data.length);
        while (data.length > 0) {
          const n = data.copy(staging, staged);
          staged += n;
          data = data.subarray(n);
          if (staged === staging.length) await flush();
        }
      }
    } catch (err) {
      // The connection dropped (or the body ran past the length): keep what did arrive, so that the
      // client resumes from there; a conflict or a store failure is answered as it is.
      if (err instanceof AppError) throw err;
      await flush().catch(() => undefined);
      throw pasteErrors.incompleteBody();
    }
    await flush();
    // The offset compare-and-set let no other request append meanwhile: these counts are the store's.
    const current = { ...upload, received: at, chunks };
    const paste = at === upload.length ? await this.complete(current) : undefined;
    return { upload: current, offset: at, paste };
  }

  /** The upload is whole: the paste, by the rules of POST / that need the content. */
  private async complete(upload: UploadRecord): Promise<PasteMeta> {
    const { deps } = this;
    const settings = settingsOf(upload.options);
    const content = await scanChunks(deps.store, upload.blobId, upload.chunks, upload.length, {
      countBytes: deps.config.minEntropy > 0,
    });
    const paste: PasteSettings = {
      owner: upload.owner,
      maxSize: maxUploadFor(upload.owner, deps.config),
      trustLevel: settings.trustLevel,
      maxViews: settings.maxViews,
      expirySeconds: settings.expirySeconds ?? undefined,
      passwordHash: async () => settings.passwordHash,
      source: async () => settings.source ?? undefined,
    };
    try {
      const stored = await storeReceived(deps, paste, content, settings.declaredType ?? undefined);
      await deps.store.uploads.markComplete(upload.id, stored.id);
      deps.metrics?.paste("created");
      return stored;
    } catch (err) {
      // Refused (blocked, a duplicate, a content rule): nothing of it is kept.
      await deps.store.uploads.deleteUpload(upload.id);
      throw err;
    }
  }

  /** DELETE (tus termination): the upload and its chunks, unless it already became a paste. */
  async terminate(caller: Caller, id: string): Promise<void> {
    await this.find(caller, id);
    if (!(await this.deps.store.uploads.deleteUpload(id))) throw uploadErrors.notFound();
  }
}
