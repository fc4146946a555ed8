/** The accounts part of the Store port (the image store's /api/v1): users, images and their grants. */

export interface UserRecord {
  /** 24 hex characters, like the original's MongoDB ObjectIds. */
  readonly id: string;
  readonly username: string;
  readonly passwordHash: string;
  readonly publicKey: string;
  readonly createdAt: number;
}

export interface ImageMeta {
  readonly id: string;
  readonly ownerId: string;
  /** The stored file name, e.g. "bicycle.png"; unique per owner, as is its stem ("bicycle"). */
  readonly name: string;
  readonly stem: string;
  readonly mimeType: string;
  readonly size: number;
  readonly createdAt: number;
}

export interface ImageRecord extends ImageMeta {
  readonly content: Uint8Array;
  readonly quotient: string;
}

export type ImageRole = "read" | "write";

/**
 * download-all reads an account's images as a sequence of parts: an image's metadata, then its bytes
 * in pieces, then its quotient in pieces (whole characters), then the next image's metadata. A
 * piece's bytes are valid until the next part is pulled: the reading may reuse its buffer.
 */
export type ImagePart =
  | { readonly kind: "image"; readonly image: ImageMeta }
  | { readonly kind: "content"; readonly bytes: Uint8Array }
  | { readonly kind: "quotient"; readonly text: string };

/** An image replaced while it was being streamed out: the reading stops rather than mix two versions. */
export class ImageChanged extends Error {
  constructor() {
    super("the image was replaced while it was being read");
  }
}

export interface ImagePermission {
  readonly userId: string;
  readonly role: ImageRole;
}

/** Accounts, their images and the grants on them. */
export interface AccountStore {
  /** Stores an account; false when the username (compared case-insensitively) is taken. */
  insertUser(user: UserRecord): Promise<boolean>;
  findUserById(id: string): Promise<UserRecord | undefined>;
  /** By username, case-insensitively. */
  findUserByName(username: string): Promise<UserRecord | undefined>;
  /** Every account, oldest first. */
  listUsers(): Promise<UserRecord[]>;
  /**
   * Stores an image, its bytes and quotient in chunks (one transaction); false when its owner has one
   * with that stem already. `size` is the content's length.
   */
  insertImage(image: ImageRecord): Promise<boolean>;
  /** The owner's image by stem, with its content and quotient, read from one version. */
  findImage(ownerId: string, stem: string): Promise<ImageRecord | undefined>;
  /** The owner's images, oldest first, without their content. */
  listImages(ownerId: string): Promise<ImageMeta[]>;
  /**
   * The owner's images with their content, oldest first, for streaming out: parts read only as the
   * caller pulls them, one image at a time and each in pieces of at most `pieceBytes` (a default
   * the backend picks), so that memory holds a piece, not an image nor a collection. Each image is
   * read from one version: one deleted before its turn is left out; one replaced while it is being
   * read is either read as it was when its reading began or ends the iteration with ImageChanged,
   * never a mix. Ending the iteration early (return, break) stops the reading and frees what it held.
   */
  streamImages(ownerId: string, pieceBytes?: number): AsyncGenerator<ImagePart, void, undefined>;
  countImages(ownerId: string): Promise<number>;
  /** Replaces an image's bytes, type and quotient, chunks and all in one transaction; false when it is gone. */
  replaceImage(
    id: string,
    update: { content: Uint8Array; mimeType: string; quotient: string },
  ): Promise<boolean>;
  /** Deletes the image, its chunks and its permissions. */
  deleteImage(id: string): Promise<boolean>;
  listPermissions(imageId: string): Promise<ImagePermission[]>;
  findPermission(imageId: string, userId: string): Promise<ImagePermission | undefined>;
  /** False when the user has a permission on the image already. */
  insertPermission(imageId: string, permission: ImagePermission): Promise<boolean>;
  updatePermission(imageId: string, permission: ImagePermission): Promise<boolean>;
  deletePermission(imageId: string, userId: string): Promise<boolean>;
}
