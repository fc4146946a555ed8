import { fileTypeFromBuffer } from "file-type";
import { randomHexId } from "../../shared/ids.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { ImageMeta, ImageRecord, ImageRole, UserRecord } from "../../store/store.ts";
import { accountErrors } from "./accounts.errors.ts";
import { type AccountDeps, field } from "./accounts.usecases.ts";

export interface UploadedImage {
  readonly content: Buffer;
  readonly filename: string | undefined;
  readonly quotient: string;
}

const ROLES: readonly ImageRole[] = ["read", "write"];
const SAME_EXTENSION: Record<string, string[]> = { jpg: ["jpg", "jpeg"], tif: ["tif", "tiff"] };

/** The image's JSON as the original serves it: bytes as an ISO-8859-1 string. */
export function imageView(image: ImageMeta & Partial<ImageRecord>) {
  return {
    img_name: image.name,
    img_content: Buffer.from(image.content ?? new Uint8Array()).toString("latin1"),
    quotient: image.quotient ?? "",
  };
}

/** The owner-only routes (list, upload, download-all, permissions): the caller must be that user. */
export function requireSelf(caller: UserRecord, userId: string): void {
  if (caller.id !== userId) throw accountErrors.notAuthorized();
}

/** The URI names an image by its stem ("bicycle"); a name with its extension is accepted too. */
async function findByName(deps: AccountDeps, ownerId: string, name: string) {
  if (!/^[0-9a-f]{24}$/.test(ownerId) || name.length > 255) return undefined;
  const exact = await deps.store.findImage(ownerId, name);
  if (exact) return exact;
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const byStem = await deps.store.findImage(ownerId, name.slice(0, dot));
  return byStem?.name === name ? byStem : undefined;
}

/**
 * An image as `caller` may see it: the owner, or a user holding a grant. To anyone else it does not
 * exist (404), so B never learns of A's images without a grant.
 */
export async function accessImage(deps: AccountDeps, caller: UserRecord, ownerId: string, name: string) {
  const image = await findByName(deps, ownerId, name);
  if (!image) throw accountErrors.imageNotFound();
  if (image.ownerId === caller.id) return { image, role: "owner" as const };
  const permission = await deps.store.findPermission(image.id, caller.id);
  if (!permission) throw accountErrors.imageNotFound();
  return { image, role: permission.role };
}

async function checkedImage(upload: UploadedImage | undefined, limit: number) {
  if (!upload || upload.content.length === 0) throw accountErrors.required("Image file");
  if (upload.content.length > limit) throw accountErrors.tooLarge(limit);
  const type = await fileTypeFromBuffer(upload.content);
  if (!type?.mime.startsWith("image/")) {
    throw accountErrors.invalid(
      "File is not an image sealbin recognises (PNG, JPEG, GIF, WebP, AVIF, BMP, TIFF, ICO…)",
    );
  }
  return type;
}

/** A safe stored name: the upload's base name, its extension kept when it matches the content. */
function storedName(filename: string | undefined, ext: string): { stem: string; ext: string } {
  const base = (filename ?? "").split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  const givenExt = dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
  const rawStem = dot > 0 ? base.slice(0, dot) : base;
  const stem =
    rawStem
      .replace(/[^A-Za-z0-9_-]+/g, "_")
      .replace(/^[_-]+/, "")
      .slice(0, 100) || "image";
  const keep = (SAME_EXTENSION[ext] ?? [ext]).includes(givenExt);
  return { stem, ext: keep ? givenExt : ext };
}

/** POST .../images: stored under the upload's name, or a fresh one on a clash (never an overwrite). */
export async function uploadImage(deps: AccountDeps, owner: UserRecord, upload: UploadedImage | undefined) {
  const type = await checkedImage(upload, deps.config.maxAuth);
  const content = (upload as UploadedImage).content;
  if ((await deps.store.countImages(owner.id)) >= deps.config.imagesMax) {
    throw accountErrors.tooMany(deps.config.imagesMax);
  }
  const { stem, ext } = storedName(upload?.filename, type.ext);
  for (let n = 0; n < 1000; n++) {
    const candidate = n === 0 ? stem : `${stem}-${n}`;
    const inserted = await deps.store.insertImage({
      id: randomHexId(24),
      ownerId: owner.id,
      name: `${candidate}.${ext}`,
      stem: candidate,
      mimeType: type.mime,
      size: content.length,
      content,
      quotient: upload?.quotient ?? "",
      createdAt: unixSeconds(deps.clock.now()),
    });
    if (inserted) return;
  }
  throw accountErrors.invalid("Too many images with that name");
}

/** PUT .../images/{name}: the owner or a `write` grantee replaces the bytes (the name stays). */
export async function replaceImage(
  deps: AccountDeps,
  caller: UserRecord,
  ownerId: string,
  name: string,
  upload: UploadedImage | undefined,
) {
  const { image, role } = await accessImage(deps, caller, ownerId, name);
  if (role === "read") throw accountErrors.notAuthorized();
  const type = await checkedImage(upload, deps.config.maxAuth);
  const content = (upload as UploadedImage).content;
  await deps.store.replaceImage(image.id, { content, mimeType: type.mime, quotient: upload?.quotient ?? "" });
}

export async function deleteImage(deps: AccountDeps, caller: UserRecord, ownerId: string, name: string) {
  const { image, role } = await accessImage(deps, caller, ownerId, name);
  if (role === "read") throw accountErrors.notAuthorized();
  if (!(await deps.store.deleteImage(image.id))) throw accountErrors.imageNotFound();
}

/** The owner's own image, for the permission routes. */
async function ownImage(deps: AccountDeps, caller: UserRecord, ownerId: string, name: string) {
  requireSelf(caller, ownerId);
  const image = await findByName(deps, ownerId, name);
  if (!image) throw accountErrors.imageNotFound();
  return image;
}

function roleOf(body: unknown): ImageRole {
  const role = field(body, "role");
  if (role === undefined) throw accountErrors.required("Role");
  if (!ROLES.includes(role as ImageRole)) throw accountErrors.invalid("Role must be read or write");
  return role as ImageRole;
}

export async function listPermissions(deps: AccountDeps, caller: UserRecord, ownerId: string, name: string) {
  const image = await ownImage(deps, caller, ownerId, name);
  return (await deps.store.listPermissions(image.id)).map((p) => ({ userId: p.userId, role: p.role }));
}

export async function grant(
  deps: AccountDeps,
  caller: UserRecord,
  ownerId: string,
  name: string,
  body: unknown,
) {
  const image = await ownImage(deps, caller, ownerId, name);
  const userId = field(body, "user_id");
  if (userId === undefined) throw accountErrors.required("User id");
  const role = roleOf(body);
  const grantee = /^[0-9a-f]{24}$/.test(userId) ? await deps.store.findUserById(userId) : undefined;
  if (!grantee) throw accountErrors.userNotFound();
  if (grantee.id === caller.id) throw accountErrors.invalid("An image cannot be shared with its owner");
  if (!(await deps.store.insertPermission(image.id, { userId, role })))
    throw accountErrors.permissionExists();
}

async function existingPermission(deps: AccountDeps, imageId: string, userId: string) {
  const permission = await deps.store.findPermission(imageId, userId);
  if (!permission) throw accountErrors.permissionNotFound();
  return permission;
}

export async function getPermission(
  deps: AccountDeps,
  caller: UserRecord,
  ownerId: string,
  name: string,
  userId: string,
) {
  const image = await ownImage(deps, caller, ownerId, name);
  const p = await existingPermission(deps, image.id, userId);
  return { userId: p.userId, role: p.role };
}

export async function changePermission(
  deps: AccountDeps,
  caller: UserRecord,
  ownerId: string,
  name: string,
  userId: string,
  body: unknown,
) {
  const image = await ownImage(deps, caller, ownerId, name);
  await existingPermission(deps, image.id, userId);
  await deps.store.updatePermission(image.id, { userId, role: roleOf(body) });
}

export async function revokePermission(
  deps: AccountDeps,
  caller: UserRecord,
  ownerId: string,
  name: string,
  userId: string,
) {
  const image = await ownImage(deps, caller, ownerId, name);
  if (!(await deps.store.deletePermission(image.id, userId))) throw accountErrors.permissionNotFound();
}
