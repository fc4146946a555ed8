import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Format,
  formatOfFileName,
  formatOfType,
  LANGUAGE_LIST,
  LANGUAGES,
  languageNamed,
  typeOfFormat,
} from "./languages.ts";

describe("how a paste names its language", () => {
  it("reads back every format the create page writes, through the media type in the paste", () => {
    const formats: Format[] = ["plaintext", "markdown-rendered", ...LANGUAGE_LIST.map((l) => l.id)];
    for (const format of formats) {
      const type = typeOfFormat(format);
      assert.ok(type, format);
      // Markdown's source reads back as Markdown rendered: text/x-markdown names Markdown.
      assert.equal(formatOfType(type), format === "markdown" ? "markdown-rendered" : format, type);
    }
    assert.equal(typeOfFormat("auto"), undefined, "auto-detect writes no type (no record)");
  });

  it("understands standard types and ignores parameters, case, and types that name no language", () => {
    assert.equal(formatOfType("application/json"), "json");
    assert.equal(formatOfType("Text/HTML; charset=utf-8"), "xml");
    assert.equal(formatOfType("application/x-python"), "python");
    assert.equal(formatOfType("text/x-c++src"), "cpp");
    assert.equal(formatOfType("image/png"), undefined);
    assert.equal(formatOfType("application/octet-stream"), undefined);
    assert.equal(formatOfType(undefined), undefined);
  });

  it("takes a language from a file's extension or its well-known name; .md is Markdown to render", () => {
    assert.equal(formatOfFileName("greet.py"), "python");
    assert.equal(formatOfFileName("App.TSX"), "typescript");
    assert.equal(formatOfFileName("Dockerfile"), "dockerfile");
    assert.equal(formatOfFileName("GNUmakefile"), "makefile");
    assert.equal(formatOfFileName("README.md"), "markdown-rendered");
    assert.equal(formatOfFileName("notes.txt"), "plaintext");
    assert.equal(formatOfFileName("photo.jpeg"), undefined);
    assert.equal(formatOfFileName("LICENSE"), undefined);
  });

  it("gives each alias one language, and lists the languages by name", () => {
    const seen = new Map<string, string>();
    for (const [id, { aliases }] of Object.entries(LANGUAGES)) {
      for (const alias of aliases) {
        assert.ok(!seen.has(alias), `${alias}: ${seen.get(alias)} and ${id}`);
        seen.set(alias, id);
        assert.equal(languageNamed(alias.toUpperCase()), id);
      }
    }
    const labels = LANGUAGE_LIST.map((l) => l.label);
    assert.deepEqual(
      labels,
      [...labels].sort((a, b) => a.localeCompare(b, "en")),
    );
  });
});
