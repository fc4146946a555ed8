/**
 * Typed calls of the image store (/api/v1, docs/accounts.md): accounts and their tokens, users,
 * images (the upload's multipart body is built here) and the permissions that share them.
 */
import { concatBytes, randomBytes, toHex, utf8 } from "../protocol/bytes.ts";
import { ROUTES } from "../protocol/vocabulary.ts";
import type { Progress, SealbinClient } from "./client.ts";
import { refusal } from "./errors.ts";
import type { HttpResponse } from "./transport.ts";

/** POST /api/v1/auth/login. */
export interface LoginAnswer {
  readonly user_id: string;
  readonly access_token: string;
  readonly [key: string]: unknown;
}

/** GET /api/v1/users and /api/v1/users/{userId}. */
export interface UserAnswer {
  readonly public_key: string;
  readonly user_id: string;
  readonly user_name: string;
}

/** GET /api/v1/users/{userId}/images. */
export interface ImageListEntry {
  readonly img_name: string;
}

/** GET …/images/{name} and each entry of …/images/download-all. */
export interface ImageAnswer {
  readonly img_name: string;
  /** The file's bytes as an ISO-8859-1 string, one character a byte (imageBytes turns it back). */
  readonly img_content: string;
  readonly quotient: string;
}

/** GET …/images/{name}/permissions. */
export interface PermissionAnswer {
  readonly userId: string;
  readonly role: string;
}

export type Role = "read" | "write";

export const isRole = (role: unknown): role is Role => role === "read" || role === "write";

/** The answer, when its status is one `ok` accepts; the refusal otherwise. */
function expect(res: HttpResponse, ok: (status: number) => boolean): HttpResponse {
  if (!ok(res.status)) throw refusal(res);
  return res;
}

export async function registerAccount(
  client: SealbinClient,
  account: { readonly username: string; readonly password: string; readonly publicKey: string },
): Promise<void> {
  const res = await client.request(ROUTES.accountRegister, { method: "POST", form: { ...account } });
  expect(res, (s) => s === 201);
}

/** Signs in: the user id and the access token (and whatever else the server answers). */
export function login(
  client: SealbinClient,
  credentials: { readonly username: string; readonly password: string },
): Promise<LoginAnswer> {
  return client.json<LoginAnswer>(ROUTES.accountLogin, { method: "POST", form: { ...credentials } });
}

/** Revokes the client's token; a token the server refuses already (401) is as good as revoked. */
export async function logout(client: SealbinClient): Promise<void> {
  const res = await client.request(ROUTES.accountLogout, { method: "POST" });
  expect(res, (s) => s < 300 || s === 401);
}

export function listUsers(client: SealbinClient): Promise<UserAnswer[]> {
  return client.json<UserAnswer[]>(ROUTES.users);
}

export function getUser(client: SealbinClient, userId: string): Promise<UserAnswer> {
  return client.json<UserAnswer>(ROUTES.user(userId));
}

/** A user id as it is, or the id of the user of that name (any case); undefined when none has it. */
export async function findUserId(client: SealbinClient, user: string): Promise<string | undefined> {
  if (/^[0-9a-f]{24}$/.test(user)) return user;
  const users = await listUsers(client);
  return users.find((u) => u.user_name.toLowerCase() === user.toLowerCase())?.user_id;
}

/** An image's path: its name is sent without its extension, as the original documents. */
export const imagePath = (owner: string, name: string): string =>
  `${ROUTES.images(owner)}/${encodeURIComponent(name.replace(/\.[A-Za-z0-9]+$/, ""))}`;

const permissionsPath = (owner: string, name: string) => `${imagePath(owner, name)}/permissions`;

/** An image's bytes from its ISO-8859-1 string. */
export function imageBytes(image: ImageAnswer): Uint8Array {
  const text = image.img_content;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

export function listImages(client: SealbinClient, owner: string): Promise<ImageListEntry[]> {
  return client.json<ImageListEntry[]>(ROUTES.images(owner));
}

export interface NewImage {
  /** The file's name; quotes, backslashes and line breaks are replaced for the form's header. */
  readonly filename: string;
  readonly content: Uint8Array;
  readonly quotient?: string;
  readonly onProgress?: (progress: Progress) => void;
}

/** The multipart/form-data body of an upload: the file in `imageFile`, then `quotient`. */
export function uploadBody(image: NewImage): { filename: string; contentType: string; body: Uint8Array } {
  const boundary = `----sealbin${toHex(randomBytes(12))}`;
  const filename = image.filename.replace(/["\r\n\\]/g, "_");
  const body = concatBytes(
    utf8(
      `--${boundary}\r\nContent-Disposition: form-data; name="imageFile"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    image.content,
    utf8(
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="quotient"\r\n\r\n${image.quotient ?? ""}\r\n--${boundary}--\r\n`,
    ),
  );
  return { filename, contentType: `multipart/form-data; boundary=${boundary}`, body };
}

/** Uploads an image; the file name it was sent under. */
export async function uploadImage(
  client: SealbinClient,
  owner: string,
  image: NewImage,
): Promise<{ filename: string }> {
  const { filename, contentType, body } = uploadBody(image);
  const res = await client.request(ROUTES.images(owner), {
    method: "POST",
    headers: { "content-type": contentType },
    body,
    ...(image.onProgress ? { onProgress: image.onProgress } : {}),
  });
  expect(res, (s) => s === 201);
  return { filename };
}

export function downloadImage(client: SealbinClient, owner: string, name: string): Promise<ImageAnswer> {
  return client.json<ImageAnswer>(imagePath(owner, name));
}

/** Every image of the account, in one answer. */
export function downloadAllImages(client: SealbinClient, owner: string): Promise<ImageAnswer[]> {
  return client.json<ImageAnswer[]>(`${ROUTES.images(owner)}/download-all`);
}

export async function deleteImage(client: SealbinClient, owner: string, name: string): Promise<void> {
  const res = await client.request(imagePath(owner, name), { method: "DELETE" });
  expect(res, (s) => s === 204);
}

const success = (s: number) => s < 300;

export async function shareImage(
  client: SealbinClient,
  owner: string,
  name: string,
  grant: { readonly userId: string; readonly role: Role },
): Promise<void> {
  const res = await client.request(permissionsPath(owner, name), {
    method: "POST",
    form: { user_id: grant.userId, role: grant.role },
  });
  expect(res, success);
}

export async function setImageRole(
  client: SealbinClient,
  owner: string,
  name: string,
  grant: { readonly userId: string; readonly role: Role },
): Promise<void> {
  const res = await client.request(`${permissionsPath(owner, name)}/${grant.userId}`, {
    method: "PUT",
    form: { role: grant.role },
  });
  expect(res, success);
}

export async function unshareImage(
  client: SealbinClient,
  owner: string,
  name: string,
  userId: string,
): Promise<void> {
  const res = await client.request(`${permissionsPath(owner, name)}/${userId}`, { method: "DELETE" });
  expect(res, success);
}

export function listPermissions(
  client: SealbinClient,
  owner: string,
  name: string,
): Promise<PermissionAnswer[]> {
  return client.json<PermissionAnswer[]>(permissionsPath(owner, name));
}
