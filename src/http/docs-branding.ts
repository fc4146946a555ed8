/**
 * The /docs page's branding (openapi.ts passes it to @fastify/swagger-ui): sealbin's name
 * in the title, its logo in the top bar, its icon, and web/docs.css, its colours and font. Read once
 * at start-up: three small files.
 */
import { readFileSync } from "node:fs";

const WEB = new URL("../../web/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, WEB));

export const DOCS_BRANDING = {
  logo: { type: "image/svg+xml", content: read("docs-logo.svg") },
  theme: {
    title: "sealbin API",
    css: [{ filename: "sealbin.css", content: read("docs.css").toString("utf8") }],
    favicon: [
      {
        filename: "favicon.ico",
        rel: "icon",
        sizes: "16x16 32x32 48x48",
        type: "image/vnd.microsoft.icon",
        content: read("favicon.ico"),
      },
    ],
  },
};
