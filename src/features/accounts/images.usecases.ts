import { fileTypeFromBuffer } from "file-type";
import { randomHexId } from "../../shared/ids.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { ImageMeta, ImageRecord, ImageRole, UserRecord } from "../../store/store.ts";
import { accountErrors } from "./accounts.errors.ts";
import { type AccountDeps, given } from "./accounts.usecases.ts";
import type { GrantForm, ImageList, ImageView, PermissionView, RoleForm } from "./images.schemas.ts";

export interface UploadedImage {
  readonly content: Buffer;
  readonly filename: string | undefined;
  readonly quotient: string;
}

/** The owner's images, as the caller names them (/users/{userId}/images). */
export interface OwnerRef {
  readonly caller: UserRecord;
  readonly ownerId: string;
}

/** One image, as the caller names it (/users/{userId}/images/{fileName}). */
export interface ImageRef extends OwnerRef {
  readonly name: string;
}

/** One user's grant on an image (…/permissions/{userPermissionId}). */
export interface GrantRef extends ImageRef {
  readonly granteeId: string;
}

/**
 * An upload's form, read when the usecase asks for it: only once the caller may write there, so
 * that a stranger's body is never read.
 */
export type ReceiveUpload = () => Promise<UploadedImage | undefined>;

const ROLES: readonly ImageRole[] = ["read", "write"];
const SAME_EXTENSION: Record<string, string[]> = { jpg: ["jpg", "jpeg"], tif: ["tif", "tiff"] };

/** The image's JSON as the original serves it: bytes as an ISO-8859-1 string. */
export function imageView(image: ImageMeta & Partial<ImageRecord>): ImageView {
  return {
    img_name: image.name,
    img_content: Buffer.from(image.content ?? new Uint8Array()).toString("latin1"),
    quotient: image.quotient ?? "",
  };
}

/** The owner-only routes (list, upload, download-all, permissions): the caller must be that user. */
function requireSelf({ caller, ownerId }: OwnerRef): void {
  if (caller.id !== ownerId) throw accountErrors.notAuthorized();
}

/** GET .../images: the owner's image names. */
export async function listImages(deps: AccountDeps, ref: OwnerRef): Promise<ImageList> {
  requireSelf(ref);
  return (await deps.store.accounts.listImages(ref.ownerId)).map((i) => ({ img_name: i.name }));
}

/** GET .../images/download-all: the owner's images, part by part as the store reads them. */
export function streamOwnImages(deps: AccountDeps, ref: OwnerRef) {
  requireSelf(ref);
  return deps.store.accounts.streamImages(ref.ownerId);
}

/** The URI names an image by its stem ("bicycle"); a name with its extension is accepted too. */
async function findByName(deps: AccountDeps, ownerId: string, name: string) {
  if (!/^[0-9a-f]{24}$/.test(ownerId) || name.length > 255) return undefined;
  const exact = await deps.store.accounts.findImage(ownerId, name);
  if (exact) return exact;
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const byStem = await deps.store.accounts.findImage(ownerId, name.slice(0, dot));
  return byStem?.name === name ? byStem : undefined;
}

/**
 * An image as `caller` may see it: the owner, or a user holding a grant. To anyone else it does not
 * exist (404), so B never learns of A's images without a grant.
 */
export async function accessImage(deps: AccountDeps, { caller, ownerId, name }: ImageRef) {
  const image = await findByName(deps, ownerId, name);
  if (!image) throw accountErrors.imageNotFound();
  if (image.ownerId === caller.id) return { image, role: "owner" as const };
  const permission = await deps.store.accounts.findPermission(image.id, caller.id);
  if (!permission) throw accountErrors.imageNotFound();
  return { image, role: permission.role };
}

/** GET .../images/{name}: the image with its content, to the owner or a grantee. */
export async function readImage(deps: AccountDeps, ref: ImageRef): Promise<ImageView> {
  return imageView((await accessImage(deps, ref)).image);
}

/** The upload read, and checked: an image, within the size limit. */
async function receivedImage(receive: ReceiveUpload, limit: number) {
  const upload = await receive();
  if (!upload || upload.content.length === 0) throw accountErrors.required("imageFile");
  if (upload.content.length > limit) throw accountErrors.tooLarge(limit);
  const type = await fileTypeFromBuffer(upload.content);
  if (!type?.mime.startsWith("image/")) throw accountErrors.notAnImage();
  return { upload, type };
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
export async function uploadImage(
  deps: AccountDeps,
  ref: OwnerRef & { readonly receive: ReceiveUpload },
): Promise<void> {
  requireSelf(ref);
  const owner = ref.caller;
  const { upload, type } = await receivedImage(ref.receive, deps.config.maxAuth);
  const content = upload.content;
  if ((await deps.store.accounts.countImages(owner.id)) >= deps.config.imagesMax) {
    throw accountErrors.tooMany(deps.config.imagesMax);
  }
  const { stem, ext } = storedName(upload.filename, type.ext);
  for (let n = 0; n < 1000; n++) {
    const candidate = n === 0 ? stem : `${stem}-${n}`;
    const inserted = await deps.store.accounts.insertImage({
      id: randomHexId(24),
      ownerId: owner.id,
      name: `${candidate}.${ext}`,
      stem: candidate,
      mimeType: type.mime,
      size: content.length,
      content,
      quotient: upload.quotient,
      createdAt: unixSeconds(deps.clock.now()),
    });
    if (inserted) return;
  }
  throw accountErrors.namesExhausted();
}

/**
 * PUT .../images/{name}: the owner or a `write` grantee replaces the bytes (the name stays). Access
 * first: a stranger learns nothing, and sends no body that is read.
 */
export async function replaceImage(
  deps: AccountDeps,
  ref: ImageRef & { readonly receive: ReceiveUpload },
): Promise<void> {
  const { image, role } = await accessImage(deps, ref);
  if (role === "read") throw accountErrors.notAuthorized();
  const { upload, type } = await receivedImage(ref.receive, deps.config.maxAuth);
  await deps.store.accounts.replaceImage(image.id, {
    content: upload.content,
    mimeType: type.mime,
    quotient: upload.quotient,
  });
}

export async function deleteImage(deps: AccountDeps, ref: ImageRef): Promise<void> {
  const { image, role } = await accessImage(deps, ref);
  if (role === "read") throw accountErrors.notAuthorized();
  if (!(await deps.store.accounts.deleteImage(image.id))) throw accountErrors.imageNotFound();
}

/** The owner's own image, for the permission routes. */
async function ownImage(deps: AccountDeps, ref: ImageRef) {
  requireSelf(ref);
  const image = await findByName(deps, ref.ownerId, ref.name);
  if (!image) throw accountErrors.imageNotFound();
  return image;
}

function roleOf(form: RoleForm): ImageRole {
  const role = given(form.role);
  if (role === undefined) throw accountErrors.required("role");
  if (!ROLES.includes(role as ImageRole)) throw accountErrors.badRole();
  return role as ImageRole;
}

const permissionView = (p: { userId: string; role: ImageRole }): PermissionView => ({
  userId: p.userId,
  role: p.role,
});

export async function listPermissions(deps: AccountDeps, ref: ImageRef): Promise<PermissionView[]> {
  const image = await ownImage(deps, ref);
  return (await deps.store.accounts.listPermissions(image.id)).map(permissionView);
}

/** POST .../permissions: the owner shares the image with another user. */
export async function grant(deps: AccountDeps, ref: ImageRef, form: GrantForm): Promise<void> {
  const image = await ownImage(deps, ref);
  const userId = given(form.user_id);
  if (userId === undefined) throw accountErrors.required("userId");
  const role = roleOf(form);
  const grantee = /^[0-9a-f]{24}$/.test(userId) ? await deps.store.accounts.findUserById(userId) : undefined;
  if (!grantee) throw accountErrors.userNotFound();
  if (grantee.id === ref.caller.id) throw accountErrors.shareWithOwner();
  if (!(await deps.store.accounts.insertPermission(image.id, { userId, role })))
    throw accountErrors.permissionExists();
}

async function existingPermission(deps: AccountDeps, imageId: string, userId: string) {
  const permission = await deps.store.accounts.findPermission(imageId, userId);
  if (!permission) throw accountErrors.permissionNotFound();
  return permission;
}

export async function getPermission(deps: AccountDeps, ref: GrantRef): Promise<PermissionView> {
  const image = await ownImage(deps, ref);
  return permissionView(await existingPermission(deps, image.id, ref.granteeId));
}

export async function changePermission(deps: AccountDeps, ref: GrantRef, form: RoleForm): Promise<void> {
  const image = await ownImage(deps, ref);
  await existingPermission(deps, image.id, ref.granteeId);
  await deps.store.accounts.updatePermission(image.id, { userId: ref.granteeId, role: roleOf(form) });
}

export async function revokePermission(deps: AccountDeps, ref: GrantRef): Promise<void> {
  const image = await ownImage(deps, ref);
  if (!(await deps.store.accounts.deletePermission(image.id, ref.granteeId)))
    throw accountErrors.permissionNotFound();
}
