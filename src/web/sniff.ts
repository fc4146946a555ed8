/** What a paste's bytes are, from their first bytes (encrypted pastes carry no type). */
import { utf8OrNull } from "../protocol/bytes.ts";

export type Sniffed =
  | { readonly kind: "image" | "audio" | "video" | "file"; readonly type: string; readonly ext: string }
  | { readonly kind: "text"; readonly type: "text/plain"; readonly ext: "txt"; readonly text: string };

export function sniff(bytes: Uint8Array): Sniffed {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  const ascii = (at: number, text: string) => [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));
  if (starts(0x89, 0x50, 0x4e, 0x47)) return { kind: "image", type: "image/png", ext: "png" };
  if (starts(0xff, 0xd8, 0xff)) return { kind: "image", type: "image/jpeg", ext: "jpg" };
  if (ascii(0, "GIF8")) return { kind: "image", type: "image/gif", ext: "gif" };
  if (ascii(0, "RIFF") && ascii(8, "WEBP")) return { kind: "image", type: "image/webp", ext: "webp" };
  if (ascii(0, "RIFF") && ascii(8, "WAVE")) return { kind: "audio", type: "audio/wav", ext: "wav" };
  if (ascii(0, "ID3") || starts(0xff, 0xfb)) return { kind: "audio", type: "audio/mpeg", ext: "mp3" };
  if (ascii(0, "OggS")) return { kind: "audio", type: "audio/ogg", ext: "ogg" };
  if (ascii(0, "fLaC")) return { kind: "audio", type: "audio/flac", ext: "flac" };
  if (ascii(4, "ftyp")) return { kind: "video", type: "video/mp4", ext: "mp4" };
  if (starts(0x1a, 0x45, 0xdf, 0xa3)) return { kind: "video", type: "video/webm", ext: "webm" };
  if (ascii(0, "%PDF")) return { kind: "file", type: "application/pdf", ext: "pdf" };
  const text = utf8OrNull(bytes);
  if (text !== null) return { kind: "text", type: "text/plain", ext: "txt", text };
  return { kind: "file", type: "application/octet-stream", ext: "bin" };
}
