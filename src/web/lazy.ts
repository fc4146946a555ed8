/**
 * The page's heavier parts, fetched only when a paste needs them: the highlighter for text, the
 * Markdown renderer when a paste is shown rendered, the stream cipher and its views for files. Each is an ES module built apart
 * (scripts/build.ts) and served from sealbin (/static/…), as the page's policy requires.
 */
import type * as Files from "./files-bundle.ts";
import type * as Highlighter from "./highlight-bundle.ts";
import type * as MarkdownRenderer from "./markdown-bundle.ts";
import { prefix } from "./page-client.ts";

/** Where the bundles are (the server's fixed asset list names the same files). */
export const BUNDLES = {
  highlight: "/static/highlight.js",
  markdown: "/static/markdown.js",
  files: "/static/files.js",
} as const;

let highlighter: Promise<typeof Highlighter> | undefined;
let markdown: Promise<typeof MarkdownRenderer> | undefined;
let files: Promise<typeof Files> | undefined;

// A computed specifier: esbuild leaves the import to the browser instead of bundling it here.
const load = <T>(path: string): Promise<T> => {
  const url = `${prefix}${path}`;
  return import(url) as Promise<T>;
};

export function loadHighlighter(): Promise<typeof Highlighter> {
  highlighter ??= load<typeof Highlighter>(BUNDLES.highlight).catch((err: unknown) => {
    highlighter = undefined;
    throw err;
  });
  return highlighter;
}

export function loadMarkdown(): Promise<typeof MarkdownRenderer> {
  markdown ??= load<typeof MarkdownRenderer>(BUNDLES.markdown).catch((err: unknown) => {
    markdown = undefined;
    throw err;
  });
  return markdown;
}

export function loadFiles(): Promise<typeof Files> {
  files ??= load<typeof Files>(BUNDLES.files).catch((err: unknown) => {
    files = undefined;
    throw err;
  });
  return files;
}
