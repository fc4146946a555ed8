/**
 * The languages the page highlights (the highlight.js grammars bundled into /static/highlight.js,
 * src/web/highlight-bundle.ts, registers exactly these), and how a paste names one: the media type
 * in its encrypted metadata (`text/x-python`, `text/markdown`…), its file name, or the server's type.
 */

/** highlight.js ids, with the names people know them by and the file extensions that mean them. */
export const LANGUAGES = {
  bash: { label: "Bash", aliases: ["sh", "zsh", "bashrc", "zshrc"] },
  c: { label: "C", aliases: ["h"] },
  cpp: { label: "C++", aliases: ["cc", "cxx", "hpp", "hh", "hxx", "c++", "h++"] },
  csharp: { label: "C#", aliases: ["cs"] },
  css: { label: "CSS", aliases: [] },
  diff: { label: "Diff", aliases: ["patch"] },
  dockerfile: { label: "Dockerfile", aliases: ["docker", "containerfile"] },
  go: { label: "Go", aliases: ["golang"] },
  graphql: { label: "GraphQL", aliases: ["gql"] },
  ini: { label: "INI, TOML", aliases: ["toml", "cfg", "conf", "properties"] },
  java: { label: "Java", aliases: ["jsp"] },
  javascript: { label: "JavaScript", aliases: ["js", "mjs", "cjs", "jsx"] },
  json: { label: "JSON", aliases: ["jsonc", "json5", "geojson"] },
  kotlin: { label: "Kotlin", aliases: ["kt", "kts"] },
  lua: { label: "Lua", aliases: [] },
  makefile: { label: "Makefile", aliases: ["mk", "mak", "make"] },
  markdown: { label: "Markdown source", aliases: ["md", "mkd", "mdown"] },
  nginx: { label: "Nginx", aliases: ["nginxconf"] },
  perl: { label: "Perl", aliases: ["pl", "pm"] },
  php: { label: "PHP", aliases: [] },
  powershell: { label: "PowerShell", aliases: ["ps1", "psm1", "pwsh"] },
  python: { label: "Python", aliases: ["py", "pyw", "gyp"] },
  r: { label: "R", aliases: [] },
  ruby: { label: "Ruby", aliases: ["rb", "gemspec", "rake"] },
  rust: { label: "Rust", aliases: ["rs"] },
  shell: { label: "Shell session", aliases: ["console", "shellsession"] },
  sql: { label: "SQL", aliases: [] },
  swift: { label: "Swift", aliases: [] },
  typescript: { label: "TypeScript", aliases: ["ts", "tsx", "mts", "cts"] },
  xml: { label: "HTML, XML", aliases: ["html", "htm", "xhtml", "svg", "plist", "xsd", "xsl"] },
  yaml: { label: "YAML", aliases: ["yml"] },
} as const satisfies Record<string, { label: string; aliases: readonly string[] }>;

export type Language = keyof typeof LANGUAGES;

/**
 * What a text paste is shown as: detected, plain, rendered Markdown, or one language. The first three
 * are the page's own choices; the rest are highlight.js ids.
 */
export type Format = "auto" | "plaintext" | "markdown-rendered" | Language;

export const isLanguage = (name: string): name is Language => Object.hasOwn(LANGUAGES, name);

/** The language a name, an alias or an extension means, if any (case-insensitive). */
export function languageNamed(name: string): Language | undefined {
  const lower = name.toLowerCase();
  if (isLanguage(lower)) return lower;
  for (const [id, { aliases }] of Object.entries(LANGUAGES)) {
    if ((aliases as readonly string[]).includes(lower)) return id as Language;
  }
  return undefined;
}

/** Standard media types that name a language (the rest are found by their `text/x-<name>` form). */
const TYPES: Record<string, Format> = {
  "text/plain": "plaintext",
  "text/markdown": "markdown-rendered",
  "text/x-markdown": "markdown-rendered",
  "text/javascript": "javascript",
  "application/javascript": "javascript",
  "application/json": "json",
  "text/css": "css",
  "text/html": "xml",
  "text/xml": "xml",
  "application/xml": "xml",
  "image/svg+xml": "xml",
  "text/yaml": "yaml",
  "application/yaml": "yaml",
  "application/toml": "ini",
  "application/sql": "sql",
  "text/x-c++src": "cpp",
  "text/x-csrc": "c",
  "text/x-patch": "diff",
};

/** The format a media type names, if any: `text/markdown`, `text/x-python`, `application/x-sh`… */
export function formatOfType(type: string | undefined): Format | undefined {
  if (!type) return undefined;
  const base = type.split(";")[0]?.trim().toLowerCase() ?? "";
  const known = TYPES[base];
  if (known) return known;
  const named = /^(?:text|application)\/x-([a-z0-9+#.-]+)$/.exec(base)?.[1];
  return named ? languageNamed(named) : undefined;
}

/** The media type the create page puts in a text paste's metadata for the format its creator chose. */
export function typeOfFormat(format: Format): string | undefined {
  if (format === "auto") return undefined;
  if (format === "plaintext") return "text/plain";
  if (format === "markdown-rendered") return "text/markdown";
  return `text/x-${format}`;
}

/** The language a file name means: its extension, or a name such as Dockerfile or Makefile. */
export function formatOfFileName(name: string | undefined): Format | undefined {
  if (!name) return undefined;
  const lower = name.toLowerCase();
  if (lower === "dockerfile" || lower === "containerfile" || lower.endsWith(".dockerfile"))
    return "dockerfile";
  if (lower === "makefile" || lower === "gnumakefile") return "makefile";
  const ext = /\.([a-z0-9+#-]+)$/.exec(lower)?.[1];
  if (!ext) return undefined;
  if (ext === "txt" || ext === "text" || ext === "log") return "plaintext";
  const language = languageNamed(ext);
  // A Markdown file is shown rendered, as its media type (text/markdown) would have it.
  return language === "markdown" ? "markdown-rendered" : language;
}

/** The languages in the order pickers list them. */
export const LANGUAGE_LIST: readonly { id: Language; label: string }[] = Object.entries(LANGUAGES)
  .map(([id, { label }]) => ({ id: id as Language, label }))
  .sort((a, b) => a.label.localeCompare(b.label, "en"));
