/**
 * A text paste on the paste page: numbered lines (or not), wrapped (or not), highlighted in the
 * language its creator chose or the one highlight.js detects, or rendered as sanitised Markdown when
 * the paste says it is Markdown or the reader asks. The text is on screen at once; highlighting
 * follows when its bundle has loaded.
 */
import { byId } from "./dom.ts";
import { type Format, LANGUAGE_LIST, LANGUAGES, languageNamed } from "./languages.ts";
import { loadHighlighter, loadMarkdown } from "./lazy.ts";
import { toLines } from "./lines.ts";

/** Beyond this many characters the text is shown plain (highlighting it would stall the page). */
const MAX_HIGHLIGHTED = 500_000;

const AUTO_LABEL = "Auto-detect";

export function showText(text: string, initial: Format | undefined): void {
  const tools = byId("text-tools", HTMLElement);
  const picker = byId("language", HTMLSelectElement);
  const numbers = byId("line-numbers", HTMLInputElement);
  const wrap = byId("wrap", HTMLInputElement);
  const content = byId("content", HTMLElement);
  tools.hidden = false;
  const auto = new Option(AUTO_LABEL, "auto");
  picker.replaceChildren(
    auto,
    new Option("Plain text", "plaintext"),
    new Option("Markdown, rendered", "markdown-rendered"),
    ...LANGUAGE_LIST.map((l) => new Option(l.label, l.id)),
  );
  picker.value = initial ?? "auto";

  let shown = 0;
  const render = async (format: Format) => {
    const turn = ++shown;
    const current = () => turn === shown;
    numbers.disabled = wrap.disabled = format === "markdown-rendered";
    if (format === "markdown-rendered") {
      try {
        const { renderMarkdown } = await loadMarkdown();
        if (!current()) return;
        const article = document.createElement("div");
        article.className = "markdown";
        article.append(renderMarkdown(text));
        content.replaceChildren(article);
        await highlightCodeBlocks(article);
        return;
      } catch {
        if (!current()) return;
        // Without its renderer the page still shows the text.
      }
    }
    const pre = codeBlock(toLines({ text }), numbers.checked, wrap.checked);
    content.replaceChildren(pre);
    if (format === "plaintext" || format === "markdown-rendered" || text.length > MAX_HIGHLIGHTED) return;
    let highlighter: Awaited<ReturnType<typeof loadHighlighter>>;
    try {
      highlighter = await loadHighlighter();
    } catch {
      return;
    }
    if (!current()) return;
    const language = format === "auto" ? highlighter.detectLanguage(text) : format;
    if (format === "auto")
      auto.textContent = `${AUTO_LABEL} (${language ? LANGUAGES[language].label : "none found"})`;
    if (!language) return;
    const code = pre.firstElementChild as HTMLElement;
    code.classList.add(`language-${language}`);
    fill(code, toLines({ html: highlighter.highlightHtml(text, language) }));
  };

  picker.onchange = () => void render(picker.value as Format);
  numbers.onchange = () => content.querySelector("pre")?.classList.toggle("numbered", numbers.checked);
  wrap.onchange = () => content.querySelector("pre")?.classList.toggle("wrap", wrap.checked);
  void render(picker.value as Format);
}

/** A `pre` of lines, focusable so that keyboard users can scroll it. */
function codeBlock(lines: HTMLElement[], numbered: boolean, wrapped: boolean): HTMLPreElement {
  const pre = document.createElement("pre");
  pre.className = "code";
  pre.classList.toggle("numbered", numbered);
  pre.classList.toggle("wrap", wrapped);
  pre.tabIndex = 0;
  pre.setAttribute("aria-label", "Paste content");
  // The gutter is as wide as the last line's number (CSSOM: allowed by the page's style policy).
  pre.style.setProperty("--gutter", `${String(lines.length).length}ch`);
  const code = document.createElement("code");
  code.className = "hljs";
  fill(code, lines);
  pre.append(code);
  return pre;
}

/** Highlights the fenced code blocks of rendered Markdown that name a language the page knows. */
async function highlightCodeBlocks(article: HTMLElement): Promise<void> {
  const blocks = Array.from(article.querySelectorAll<HTMLElement>("pre code[class^='language-']"));
  if (blocks.length === 0) return;
  let highlighter: Awaited<ReturnType<typeof loadHighlighter>>;
  try {
    highlighter = await loadHighlighter();
  } catch {
    return;
  }
  for (const block of blocks) {
    const language = languageNamed(block.className.replace(/^language-/, ""));
    if (!language) continue;
    block.classList.add("hljs");
    fill(block, toLines({ html: highlighter.highlightHtml(block.textContent ?? "", language) }));
  }
}

/** Replaces `parent`'s children with `lines` (a paste may have more lines than a call takes arguments). */
function fill(parent: HTMLElement, lines: readonly HTMLElement[]): void {
  const fragment = document.createDocumentFragment();
  for (const line of lines) fragment.append(line);
  parent.replaceChildren(fragment);
}
