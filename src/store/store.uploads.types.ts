/** The resumable uploads part of the Store port (docs/uploads.md). */

export interface UploadRecord {
  readonly id: string;
  readonly owner: string | null;
  readonly blobId: string;
  /** The whole upload's length in bytes, fixed at creation. */
  readonly length: number;
  /** Bytes stored so far: where a resumed upload continues. */
  readonly received: number;
  /** Chunks stored so far: the next chunk's sequence number. */
  readonly chunks: number;
  /** The paste's settings decided at creation (JSON, the uploads feature's own shape). */
  readonly options: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The paste it became, once complete. */
  readonly pasteId: string | null;
}

export type NewUpload = Omit<UploadRecord, "received" | "chunks" | "pasteId">;

export interface UploadStore {
  /** Stores the upload and opens its blob, reaped at `expiresAt` unless a paste claims it. */
  createUpload(upload: NewUpload): Promise<void>;
  /** The upload, while it has not expired at `now`. */
  findUpload(id: string, now: number): Promise<UploadRecord | undefined>;
  /**
   * Appends a chunk at `offset` (the bytes stored so far) and moves the expiry (upload and blob) to
   * `expiresAt`, in one transaction; false, storing nothing, when the upload is no longer at
   * `offset` (another request appended first), is complete, or would pass its length.
   */
  appendChunk(id: string, offset: number, data: Uint8Array, expiresAt: number): Promise<boolean>;
  /** Records the paste a complete upload became. */
  markComplete(id: string, pasteId: string): Promise<void>;
  /** Deletes the upload and, unless a paste holds it, its blob and chunks; false when there was none. */
  deleteUpload(id: string): Promise<boolean>;
  /** Deletes up to `limit` upload records expired at `now` (their blobs are reaped with the blobs). */
  deleteExpiredUploads(now: number, limit: number): Promise<number>;
}
