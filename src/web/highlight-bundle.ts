/**
 * Entry of /static/highlight.js (scripts/build.ts, an ES module the paste page imports when it shows
 * text): highlight.js's core with the grammars of src/web/languages.ts, and nothing else.
 */
import type { LanguageFn } from "highlight.js";
import hljs from "highlight.js/lib/core";
import bashGrammar from "highlight.js/lib/languages/bash";
import cGrammar from "highlight.js/lib/languages/c";
import cppGrammar from "highlight.js/lib/languages/cpp";
import csharpGrammar from "highlight.js/lib/languages/csharp";
import cssGrammar from "highlight.js/lib/languages/css";
import diffGrammar from "highlight.js/lib/languages/diff";
import dockerfileGrammar from "highlight.js/lib/languages/dockerfile";
import goGrammar from "highlight.js/lib/languages/go";
import graphqlGrammar from "highlight.js/lib/languages/graphql";
import iniGrammar from "highlight.js/lib/languages/ini";
import javaGrammar from "highlight.js/lib/languages/java";
import javascriptGrammar from "highlight.js/lib/languages/javascript";
import jsonGrammar from "highlight.js/lib/languages/json";
import kotlinGrammar from "highlight.js/lib/languages/kotlin";
import luaGrammar from "highlight.js/lib/languages/lua";
import makefileGrammar from "highlight.js/lib/languages/makefile";
import markdownGrammar from "highlight.js/lib/languages/markdown";
import nginxGrammar from "highlight.js/lib/languages/nginx";
import perlGrammar from "highlight.js/lib/languages/perl";
import phpGrammar from "highlight.js/lib/languages/php";
import powershellGrammar from "highlight.js/lib/languages/powershell";
import pythonGrammar from "highlight.js/lib/languages/python";
import rGrammar from "highlight.js/lib/languages/r";
import rubyGrammar from "highlight.js/lib/languages/ruby";
import rustGrammar from "highlight.js/lib/languages/rust";
import shellGrammar from "highlight.js/lib/languages/shell";
import sqlGrammar from "highlight.js/lib/languages/sql";
import swiftGrammar from "highlight.js/lib/languages/swift";
import typescriptGrammar from "highlight.js/lib/languages/typescript";
import xmlGrammar from "highlight.js/lib/languages/xml";
import yamlGrammar from "highlight.js/lib/languages/yaml";
import type { Language } from "./languages.ts";

/** Every language the page lists, with its grammar: the type makes the two lists one. */
const GRAMMARS: Record<Language, LanguageFn> = {
  bash: bashGrammar,
  c: cGrammar,
  cpp: cppGrammar,
  csharp: csharpGrammar,
  css: cssGrammar,
  diff: diffGrammar,
  dockerfile: dockerfileGrammar,
  go: goGrammar,
  graphql: graphqlGrammar,
  ini: iniGrammar,
  java: javaGrammar,
  javascript: javascriptGrammar,
  json: jsonGrammar,
  kotlin: kotlinGrammar,
  lua: luaGrammar,
  makefile: makefileGrammar,
  markdown: markdownGrammar,
  nginx: nginxGrammar,
  perl: perlGrammar,
  php: phpGrammar,
  powershell: powershellGrammar,
  python: pythonGrammar,
  r: rGrammar,
  ruby: rubyGrammar,
  rust: rustGrammar,
  shell: shellGrammar,
  sql: sqlGrammar,
  swift: swiftGrammar,
  typescript: typescriptGrammar,
  xml: xmlGrammar,
  yaml: yamlGrammar,
};

for (const [id, grammar] of Object.entries(GRAMMARS)) hljs.registerLanguage(id, grammar);

/** Auto-detection looks at this much of a paste (it tries every grammar). */
const SAMPLE_CHARS = 20_000;
/** Below this relevance highlight.js is guessing: the text is shown plain. */
const MIN_RELEVANCE = 4;

/** `text` as HTML: highlight.js escapes the text and adds only spans with hljs-* classes. */
export function highlightHtml(text: string, language: Language): string {
  return hljs.highlight(text, { language, ignoreIllegals: true }).value;
}

/** The language `text` most likely is, or undefined when no grammar fits well. */
export function detectLanguage(text: string): Language | undefined {
  const found = hljs.highlightAuto(text.slice(0, SAMPLE_CHARS));
  return found.language && found.relevance >= MIN_RELEVANCE ? (found.language as Language) : undefined;
}
