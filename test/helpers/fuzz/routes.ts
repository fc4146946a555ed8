/**
 * The routes the fuzz suite aims at (test/e2e/fuzz.test.ts), and what setup learnt that the generated
 * requests use.
 */
import type nacl from "tweetnacl";
import type { Rng } from "./rng.ts";
import type { Header } from "./wire.ts";

/** SEALBIN_MAX_ANON and SEALBIN_MAX_AUTH of the server under fuzz: some shapes send bodies past them. */
export const MAX_ANON = 64 * 1024;
export const MAX_AUTH = 128 * 1024;

/** What setup learnt: the identities and objects the generated requests use. */
export interface Ctx {
  adminFp: string;
  token: string;
  userId: string;
  scratchSerial: string;
  fnKeys: nacl.BoxKeyPair;
  fnSecret: string;
  serverPublic: Uint8Array;
}

// Routes: every route that reads a body, with a body it reads, parses and validates, then refuses
// cheaply (the fuzz should reach the readers, not spend the run on scrypt and key generation).

export type Kind = "paste" | "json" | "image" | "sealed" | "listing";

export interface Route {
  readonly name: string;
  readonly method: string;
  readonly kind: Kind;
  /** Share of the random phase: low for routes whose accepted requests cost scrypt or key generation. */
  readonly weight: number;
  /** Takes application/x-www-form-urlencoded too. */
  readonly form?: boolean;
  path(ctx: Ctx, rng: Rng): string;
  auth(ctx: Ctx, rng: Rng): Header[];
  /** A body that is read and validated, then refused cheaply. */
  fields(ctx: Ctx, rng: Rng): Record<string, unknown>;
  /** A body the route accepts, and the text field in it where invalid UTF-8 goes. */
  accepted(ctx: Ctx, rng: Rng): Record<string, unknown>;
  readonly textField: string;
}

const admin = (ctx: Ctx): Header[] => [["X-SSL-Client-SHA1", ctx.adminFp]];
export const bearer = (ctx: Ctx): Header[] => [["Authorization", `Bearer ${ctx.token}`]];
const anyone = (ctx: Ctx, rng: Rng): Header[] => rng.pick([[], admin(ctx), bearer(ctx)]);
const anonOrAdmin = (ctx: Ctx, rng: Rng): Header[] => (rng.chance(0.5) ? admin(ctx) : []);
const images = (ctx: Ctx) => `/api/v1/users/${ctx.userId}/images`;

export const ROUTES: readonly Route[] = [
  {
    name: "POST /",
    method: "POST",
    kind: "paste",
    weight: 4,
    path: () => "/",
    auth: anyone,
    fields: (_ctx, rng) => ({ content: `fuzz ${rng.word(12)}` }),
    accepted: (_ctx, rng) => ({ content: `fuzz ${rng.word(12)}` }),
    textField: "content",
  },
  {
    name: "POST /s",
    method: "POST",
    kind: "json",
    weight: 2,
    path: () => "/s",
    auth: anonOrAdmin,
    fields: (_ctx, rng) => ({ url: `javascript:${rng.word(6)}` }),
    accepted: (_ctx, rng) => ({ url: `https://example.com/fz/${rng.word(8)}` }),
    textField: "url",
  },
  {
    name: "POST /webhooks",
    method: "POST",
    kind: "json",
    weight: 1,
    path: () => "/webhooks",
    auth: admin,
    fields: (_ctx, rng) => ({ url: `ftp://${rng.word(6)}`, events: ["paste.read"] }),
    accepted: (_ctx, rng) => ({ url: `https://hooks.example/fz/${rng.word(8)}`, events: ["paste.read"] }),
    textField: "url",
  },
  {
    name: "POST /tokens",
    method: "POST",
    kind: "json",
    weight: 1,
    path: () => "/tokens",
    auth: admin,
    fields: (_ctx, rng) => ({ name: rng.word(6), scopes: ["paste:read"] }),
    accepted: (_ctx, rng) => ({ name: rng.word(6), scopes: ["paste:create"] }),
    textField: "name",
  },
  {
    name: "POST /pki/ca",
    method: "POST",
    kind: "json",
    weight: 1,
    path: () => "/pki/ca",
    auth: anonOrAdmin,
    // The CA exists: a valid name gets 409 after validation.
    fields: () => ({ common_name: "Fuzz CA" }),
    accepted: () => ({ common_name: "Fuzz CA" }),
    textField: "common_name",
  },
  {
    name: "POST /pki/issue",
    method: "POST",
    kind: "json",
    weight: 1,
    path: () => "/pki/issue",
    auth: (ctx, rng) => (rng.chance(0.9) ? admin(ctx) : []),
    fields: (_ctx, rng) => ({ common_name: "", pkcs12_password: rng.word(8) }),
    accepted: (_ctx, rng) => ({ common_name: `fz-${rng.word(8)}` }),
    textField: "common_name",
  },
  {
    name: "POST /pki/revoke/{serial}",
    method: "POST",
    kind: "json",
    weight: 1,
    path: (ctx, rng) =>
      `/pki/revoke/${rng.chance(0.5) ? ctx.scratchSerial : rng.hex(rng.pick([16, 32, 40]))}`,
    auth: anonOrAdmin,
    fields: (_ctx, rng) => ({ reason: rng.word(6) }),
    accepted: (_ctx, rng) => ({ reason: rng.word(6) }),
    textField: "reason",
  },
  {
    name: "POST /register",
    method: "POST",
    kind: "json",
    weight: 1,
    path: () => "/register",
    auth: () => [],
    fields: (_ctx, rng) => ({ common_name: `\u0007${rng.word(4)}` }),
    accepted: (_ctx, rng) => ({ common_name: `fz-${rng.word(8)}` }),
    textField: "common_name",
  },
  {
    name: "POST /api/v1/auth/register",
    method: "POST",
    kind: "json",
    weight: 1,
    form: true,
    path: () => "/api/v1/auth/register",
    auth: () => [],
    fields: (_ctx, rng) => ({ username: "x", password: rng.word(4), publicKey: "k" }),
    accepted: (_ctx, rng) => ({
      username: `fz${rng.word(10)}`,
      password: `pw-${rng.word(10)}`,
      publicKey: "k",
    }),
    textField: "password",
  },
  {
    name: "POST /api/v1/auth/login",
    method: "POST",
    kind: "json",
    weight: 1,
    form: true,
    path: () => "/api/v1/auth/login",
    auth: () => [],
    fields: () => ({ username: "fuzzer" }),
    accepted: () => ({ username: "fuzzer", password: "fuzz-password-1" }),
    textField: "password",
  },
  {
    name: "POST /api/v1/users/{id}/images/{name}/permissions",
    method: "POST",
    kind: "json",
    weight: 1,
    form: true,
    path: (ctx) => `${images(ctx)}/scratch/permissions`,
    auth: bearer,
    fields: (_ctx, rng) => ({ user_id: rng.hex(24), role: "read" }),
    accepted: (_ctx, rng) => ({ user_id: rng.hex(24), role: "read" }),
    textField: "role",
  },
  {
    name: "PUT /api/v1/users/{id}/images/{name}/permissions/{pid}",
    method: "PUT",
    kind: "json",
    weight: 1,
    form: true,
    path: (ctx, rng) => `${images(ctx)}/scratch/permissions/${rng.hex(24)}`,
    auth: bearer,
    fields: () => ({ role: "write" }),
    accepted: () => ({ role: "write" }),
    textField: "role",
  },
  {
    name: "POST /api/v1/users/{id}/images",
    method: "POST",
    kind: "image",
    weight: 3,
    path: images,
    auth: bearer,
    fields: () => ({}),
    accepted: () => ({}),
    textField: "quotient",
  },
  {
    name: "PUT /api/v1/users/{id}/images/{name}",
    method: "PUT",
    kind: "image",
    weight: 1,
    path: (ctx) => `${images(ctx)}/scratch`,
    auth: bearer,
    fields: () => ({}),
    accepted: () => ({}),
    textField: "quotient",
  },
  {
    name: "POST /v1",
    method: "POST",
    kind: "sealed",
    weight: 2,
    path: () => "/v1",
    auth: () => [],
    fields: () => ({}),
    accepted: () => ({}),
    textField: "entry",
  },
  {
    name: "POST /v1/",
    method: "POST",
    kind: "sealed",
    weight: 0.5,
    path: () => "/v1/",
    auth: () => [],
    fields: () => ({}),
    accepted: () => ({}),
    textField: "entry",
  },
  ...(["/pastes", "/s", "/audit"] as const).map(
    (path): Route => ({
      name: `GET ${path}`,
      method: "GET",
      kind: "listing",
      weight: 1,
      path: () => path,
      auth: (ctx, rng) => (rng.chance(0.85) ? admin(ctx) : []),
      fields: () => ({}),
      accepted: () => ({}),
      textField: "",
    }),
  ),
];

export const bodyRoutes = (r: Route) => r.kind !== "listing";
export const jsonRoutes = (r: Route) => r.kind === "json" || r.kind === "paste" || r.kind === "sealed";
export const multipartRoutes = (r: Route) => r.kind === "paste" || r.kind === "image";
