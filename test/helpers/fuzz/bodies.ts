/**
 * Well-formed requests for every route of routes.ts, as their clients send them: the families then
 * break them.
 */
import { crc32 } from "node:zlib";
import nacl from "tweetnacl";
import type { Rng } from "./rng.ts";
import type { Ctx, Route } from "./routes.ts";
import { multipartBody, type Part, type WireRequest } from "./wire.ts";

/** A 1×1 PNG: an image the image routes accept. */
export const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

export const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
const minimalBytes = (n: number) => {
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return Uint8Array.from(out);
};

/** A call as the original client seals it, from the client registered at setup. */
export function sealedCall(
  ctx: Ctx,
  rng: Rng,
  entry: string,
  tweak: { ts?: number; crc?: number; secret?: string } = {},
): Record<string, string> {
  const seal = (bytes: Uint8Array) => {
    const nonce = rng.bytes(24);
    return b64url(Buffer.concat([nonce, nacl.box(bytes, nonce, ctx.serverPublic, ctx.fnKeys.secretKey)]));
  };
  const secret = Buffer.from(tweak.secret ?? ctx.fnSecret, "utf8");
  return {
    id: seal(secret),
    check: seal(minimalBytes(tweak.crc ?? crc32(secret))),
    ts: seal(minimalBytes(tweak.ts ?? Math.floor(Date.now() / 1000))),
    entry: seal(Buffer.from(entry, "utf8")),
  };
}

export function filePart(name: string, filename: string, type: string, content: Buffer): Part {
  return {
    headers: [
      `Content-Disposition: form-data; name="${name}"; filename="${filename}"`,
      `Content-Type: ${type}`,
    ],
    content,
  };
}

export function fieldPart(name: string, value: string | Buffer): Part {
  return {
    headers: [`Content-Disposition: form-data; name="${name}"`],
    content: typeof value === "string" ? Buffer.from(value) : value,
  };
}

export const targetFieldOf = (route: Route) => (route.kind === "image" ? "imageFile" : "file");

/** The file part the route wants, with content it accepts. */
export function targetPart(route: Route, rng: Rng): Part {
  return route.kind === "image"
    ? filePart("imageFile", `fz-${rng.word(6)}.png`, "image/png", PNG)
    : filePart("file", `fz-${rng.word(6)}.txt`, "text/plain", Buffer.from(`fuzz ${rng.word(16)}`));
}

/** A part with a filename that is not the file the route reads. */
export function strayFilePart(rng: Rng, size = rng.range(1, 3000)): Part {
  return filePart(
    rng.pick(["attachment", "quotient", "files", "File", ""]),
    "stray.bin",
    "application/octet-stream",
    rng.bytes(size),
  );
}

export function boundaryOf(rng: Rng): string {
  return `----fuzz${rng.word(rng.range(4, 30))}`;
}

export function multipartRequest(
  route: Route,
  ctx: Ctx,
  rng: Rng,
  parts: readonly Part[],
  options: {
    boundary?: string;
    header?: string;
    closing?: boolean;
    preamble?: string;
    epilogue?: string;
  } = {},
): { req: WireRequest; cuts: number[] } {
  const boundary = options.boundary ?? boundaryOf(rng);
  const { body, cuts } = multipartBody(boundary, parts, options);
  const req: WireRequest = {
    method: route.method,
    target: route.path(ctx, rng),
    headers: [
      ["Host", "127.0.0.1"],
      ...route.auth(ctx, rng),
      ["Content-Type", options.header ?? `multipart/form-data; boundary=${boundary}`],
    ],
    body,
  };
  return { req, cuts };
}

/** The route's usual parts: its file, and for images the quotient field. */
export function usualParts(route: Route, rng: Rng): Part[] {
  const parts = [targetPart(route, rng)];
  if (route.kind === "image") parts.push(fieldPart("quotient", rng.word(8)));
  return parts;
}

export function jsonText(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), "utf8");
}

/** A request `route` reads, with `body` (JSON unless a content type is given). */
export function requestWith(
  route: Route,
  ctx: Ctx,
  rng: Rng,
  body: Buffer,
  contentType = "application/json",
): WireRequest {
  return {
    method: route.method,
    target: route.path(ctx, rng),
    headers: [["Host", "127.0.0.1"], ...route.auth(ctx, rng), ["Content-Type", contentType]],
    body,
  };
}

/** A well-formed request for the route, as its clients send it (not framed yet). */
export function baseRequest(route: Route, ctx: Ctx, rng: Rng): WireRequest {
  switch (route.kind) {
    case "listing":
      return {
        method: "GET",
        target: `${route.path(ctx, rng)}?limit=${rng.range(1, 50)}`,
        headers: [["Host", "127.0.0.1"], ...route.auth(ctx, rng)],
        body: Buffer.alloc(0),
      };
    case "image":
      return multipartRequest(route, ctx, rng, usualParts(route, rng)).req;
    case "sealed":
      return requestWith(
        route,
        ctx,
        rng,
        jsonText(sealedCall(ctx, rng, rng.pick(["no_such_fn", "time_test"]), { ts: 1 })),
      );
    case "paste": {
      const way = rng.pick(["raw", "json", "multipart"] as const);
      if (way === "json") return requestWith(route, ctx, rng, jsonText(route.fields(ctx, rng)));
      if (way === "multipart") return multipartRequest(route, ctx, rng, usualParts(route, rng)).req;
      return requestWith(
        route,
        ctx,
        rng,
        rng.bytes(rng.range(1, 2000)),
        rng.pick(["text/plain", "application/octet-stream", "image/png"]),
      );
    }
    case "json": {
      const fields = route.fields(ctx, rng);
      if (route.form && rng.chance(0.3)) {
        const form = new URLSearchParams(fields as Record<string, string>).toString();
        return requestWith(route, ctx, rng, Buffer.from(form), "application/x-www-form-urlencoded");
      }
      return requestWith(route, ctx, rng, jsonText(fields));
    }
  }
}
