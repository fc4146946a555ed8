/**
 * Every family of the fuzz suite, in the order the case source draws them from (the order is part of
 * what a seed generates: keep it).
 */
import { chunked } from "./chunked.ts";
import { headers } from "./headers.ts";
import { json } from "./json.ts";
import { multipart } from "./multipart.ts";
import { paths } from "./paths.ts";
import { pipelined } from "./pipelined.ts";
import { raw } from "./raw.ts";
import { sealed } from "./sealed.ts";
import type { Family } from "./shape.ts";
import { utf8 } from "./utf8.ts";

export type { Budget, Family, Shape } from "./shape.ts";

export const FAMILIES: readonly Family[] = [
  multipart,
  chunked,
  json,
  utf8,
  headers,
  paths,
  pipelined,
  sealed,
  raw,
];
