import type {
  AuditEvent,
  CaRecord,
  CertificateRecord,
  FunctionClient,
  ImageMeta,
  ImagePart,
  ImagePermission,
  ImageRecord,
  NewCertificate,
  NewPaste,
  NewShortUrl,
  Page,
  PasteForRead,
  PasteMeta,
  ShortUrlRecord,
  Store,
  StoredContent,
  UserRecord,
} from "./store.types.ts";

/**
 * The Store port's methods grouped by the feature that uses them: each backend provides one part a
 * group (sqlite/sqlite.<feature>.ts, postgres/postgres.<feature>.ts).
 */
export interface StoreParts {
  /** Pastes, their chunked blobs and the owner listings. */
  readonly pastes: Pick<
    Store,
    | "insertPaste"
    | "findPaste"
    | "readPaste"
    | "readContent"
    | "burnPaste"
    | "touchPaste"
    | "deletePaste"
    | "deleteExpiredPastes"
    | "openBlob"
    | "writeChunk"
    | "readChunk"
    | "dropBlob"
    | "reapBlobs"
    | "listPastes"
  >;
  /** Secrets, single-use nonces, windowed counters and shared state (the abuse defences). */
  readonly abuse: Pick<
    Store,
    | "getOrCreateSecret"
    | "consumeNonce"
    | "incrementCounter"
    | "readCounter"
    | "updateState"
    | "readState"
    | "deleteExpiredEphemera"
  >;
  /** Short URLs. */
  readonly shortener: Pick<
    Store,
    | "insertShortUrl"
    | "findShortUrl"
    | "addClicks"
    | "deleteShortUrl"
    | "listShortUrls"
    | "deleteExpiredShortUrls"
  >;
  /** Accounts, their images and the grants on them. */
  readonly accounts: Pick<
    Store,
    | "insertUser"
    | "findUserById"
    | "findUserByName"
    | "listUsers"
    | "insertImage"
    | "findImage"
    | "listImages"
    | "streamImages"
    | "countImages"
    | "replaceImage"
    | "deleteImage"
    | "listPermissions"
    | "findPermission"
    | "insertPermission"
    | "updatePermission"
    | "deletePermission"
  >;
  /** The CA, its certificates and the audit log. */
  readonly pki: Pick<
    Store,
    | "getCa"
    | "insertCa"
    | "insertCertificate"
    | "findCertificateByFingerprint"
    | "findCertificateBySerial"
    | "listCertificates"
    | "revokeCertificate"
    | "appendAudit"
    | "listAudit"
  >;
  /** The sealed function API's clients. */
  readonly functions: Pick<
    Store,
    "putFunctionClient" | "removeFunctionClient" | "purgeFunctionClients" | "listFunctionClients"
  >;
}

/**
 * A Store made of a backend's parts: every port method but the backend's own (ping, sizeBytes, close)
 * handed to the part of its feature, written once for both backends.
 */
export abstract class ComposedStore implements Store {
  abstract readonly backend: string;
  /** Set by the backend's constructor, before any method is called. */
  protected abstract readonly parts: StoreParts;

  abstract ping(): Promise<void>;
  abstract sizeBytes(): Promise<number>;
  abstract close(): Promise<void>;

  insertPaste(p: NewPaste): Promise<boolean> {
    return this.parts.pastes.insertPaste(p);
  }
  findPaste(id: string, now: number): Promise<PasteMeta | undefined> {
    return this.parts.pastes.findPaste(id, now);
  }
  readPaste(id: string, now: number): Promise<PasteForRead | undefined> {
    return this.parts.pastes.readPaste(id, now);
  }
  readContent(id: string, now: number): Promise<StoredContent | undefined> {
    return this.parts.pastes.readContent(id, now);
  }
  burnPaste(id: string, now: number, graceUntil: number): Promise<StoredContent | undefined> {
    return this.parts.pastes.burnPaste(id, now, graceUntil);
  }
  touchPaste(id: string, expiresAt: number): Promise<void> {
    return this.parts.pastes.touchPaste(id, expiresAt);
  }
  deletePaste(id: string): Promise<boolean> {
    return this.parts.pastes.deletePaste(id);
  }
  deleteExpiredPastes(now: number, limit: number): Promise<number> {
    return this.parts.pastes.deleteExpiredPastes(now, limit);
  }
  openBlob(blobId: string, reapAfter: number): Promise<void> {
    return this.parts.pastes.openBlob(blobId, reapAfter);
  }
  writeChunk(blobId: string, seq: number, data: Uint8Array): Promise<void> {
    return this.parts.pastes.writeChunk(blobId, seq, data);
  }
  readChunk(blobId: string, seq: number): Promise<Uint8Array | undefined> {
    return this.parts.pastes.readChunk(blobId, seq);
  }
  dropBlob(blobId: string): Promise<void> {
    return this.parts.pastes.dropBlob(blobId);
  }
  reapBlobs(now: number, limit: number): Promise<number> {
    return this.parts.pastes.reapBlobs(now, limit);
  }
  listPastes(owner: string | null, now: number, limit: number, offset: number): Promise<Page<PasteMeta>> {
    return this.parts.pastes.listPastes(owner, now, limit, offset);
  }
  getOrCreateSecret(name: string, candidate: string, now: number): Promise<string> {
    return this.parts.abuse.getOrCreateSecret(name, candidate, now);
  }
  consumeNonce(nonce: string, expiresAt: number): Promise<boolean> {
    return this.parts.abuse.consumeNonce(nonce, expiresAt);
  }
  incrementCounter(key: string, windowStart: number, expiresAt: number): Promise<number> {
    return this.parts.abuse.incrementCounter(key, windowStart, expiresAt);
  }
  readCounter(key: string, windowStart: number): Promise<number> {
    return this.parts.abuse.readCounter(key, windowStart);
  }
  updateState<T>(key: string, update: (current: T | undefined) => T): Promise<T> {
    return this.parts.abuse.updateState(key, update);
  }
  readState<T>(key: string): Promise<T | undefined> {
    return this.parts.abuse.readState(key);
  }
  deleteExpiredEphemera(now: number, limit: number): Promise<number> {
    return this.parts.abuse.deleteExpiredEphemera(now, limit);
  }
  insertShortUrl(u: NewShortUrl): Promise<boolean> {
    return this.parts.shortener.insertShortUrl(u);
  }
  findShortUrl(id: string, now: number): Promise<ShortUrlRecord | undefined> {
    return this.parts.shortener.findShortUrl(id, now);
  }
  addClicks(clicks: ReadonlyMap<string, number>): Promise<void> {
    return this.parts.shortener.addClicks(clicks);
  }
  deleteShortUrl(id: string): Promise<boolean> {
    return this.parts.shortener.deleteShortUrl(id);
  }
  listShortUrls(
    owner: string | null,
    now: number,
    limit: number,
    offset: number,
  ): Promise<Page<ShortUrlRecord>> {
    return this.parts.shortener.listShortUrls(owner, now, limit, offset);
  }
  deleteExpiredShortUrls(now: number, limit: number): Promise<number> {
    return this.parts.shortener.deleteExpiredShortUrls(now, limit);
  }
  insertUser(u: UserRecord): Promise<boolean> {
    return this.parts.accounts.insertUser(u);
  }
  findUserById(id: string): Promise<UserRecord | undefined> {
    return this.parts.accounts.findUserById(id);
  }
  findUserByName(username: string): Promise<UserRecord | undefined> {
    return this.parts.accounts.findUserByName(username);
  }
  listUsers(): Promise<UserRecord[]> {
    return this.parts.accounts.listUsers();
  }
  insertImage(i: ImageRecord): Promise<boolean> {
    return this.parts.accounts.insertImage(i);
  }
  findImage(ownerId: string, stem: string): Promise<ImageRecord | undefined> {
    return this.parts.accounts.findImage(ownerId, stem);
  }
  listImages(ownerId: string): Promise<ImageMeta[]> {
    return this.parts.accounts.listImages(ownerId);
  }
  streamImages(ownerId: string, pieceBytes?: number): AsyncGenerator<ImagePart, void, undefined> {
    return this.parts.accounts.streamImages(ownerId, pieceBytes);
  }
  countImages(ownerId: string): Promise<number> {
    return this.parts.accounts.countImages(ownerId);
  }
  replaceImage(id: string, u: { content: Uint8Array; mimeType: string; quotient: string }): Promise<boolean> {
    return this.parts.accounts.replaceImage(id, u);
  }
  deleteImage(id: string): Promise<boolean> {
    return this.parts.accounts.deleteImage(id);
  }
  listPermissions(imageId: string): Promise<ImagePermission[]> {
    return this.parts.accounts.listPermissions(imageId);
  }
  findPermission(imageId: string, userId: string): Promise<ImagePermission | undefined> {
    return this.parts.accounts.findPermission(imageId, userId);
  }
  insertPermission(imageId: string, p: ImagePermission): Promise<boolean> {
    return this.parts.accounts.insertPermission(imageId, p);
  }
  updatePermission(imageId: string, p: ImagePermission): Promise<boolean> {
    return this.parts.accounts.updatePermission(imageId, p);
  }
  deletePermission(imageId: string, userId: string): Promise<boolean> {
    return this.parts.accounts.deletePermission(imageId, userId);
  }
  getCa(): Promise<CaRecord | undefined> {
    return this.parts.pki.getCa();
  }
  insertCa(ca: CaRecord): Promise<boolean> {
    return this.parts.pki.insertCa(ca);
  }
  insertCertificate(c: NewCertificate, firstBecomesAdmin: boolean): Promise<CertificateRecord> {
    return this.parts.pki.insertCertificate(c, firstBecomesAdmin);
  }
  findCertificateByFingerprint(fingerprint: string): Promise<CertificateRecord | undefined> {
    return this.parts.pki.findCertificateByFingerprint(fingerprint);
  }
  findCertificateBySerial(serial: string): Promise<CertificateRecord | undefined> {
    return this.parts.pki.findCertificateBySerial(serial);
  }
  listCertificates(fingerprint: string | null): Promise<CertificateRecord[]> {
    return this.parts.pki.listCertificates(fingerprint);
  }
  revokeCertificate(serial: string, now: number): Promise<boolean> {
    return this.parts.pki.revokeCertificate(serial, now);
  }
  appendAudit(e: Omit<AuditEvent, "id">): Promise<void> {
    return this.parts.pki.appendAudit(e);
  }
  listAudit(limit: number, offset: number): Promise<Page<AuditEvent>> {
    return this.parts.pki.listAudit(limit, offset);
  }
  putFunctionClient(c: FunctionClient): Promise<void> {
    return this.parts.functions.putFunctionClient(c);
  }
  removeFunctionClient(publicKey: string): Promise<boolean> {
    return this.parts.functions.removeFunctionClient(publicKey);
  }
  purgeFunctionClients(): Promise<number> {
    return this.parts.functions.purgeFunctionClients();
  }
  listFunctionClients(): Promise<FunctionClient[]> {
    return this.parts.functions.listFunctionClients();
  }
}
