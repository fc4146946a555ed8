/**
 * Entry of /static/markdown.js (scripts/build.ts, an ES module the paste page imports only when a
 * paste is shown as rendered Markdown): marked turns the text into HTML, DOMPurify keeps what is
 * safe of it. HTML written in the paste is never HTML on the page: marked's renderer shows it as
 * text, and DOMPurify then removes anything a renderer bug could still let through.
 */
import DOMPurify from "dompurify";
import { Marked } from "marked";

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

const marked = new Marked({
  gfm: true,
  async: false,
  renderer: {
    // Raw HTML, block or inline: shown as the text it is (a block as a paragraph of it).
    html: (token) =>
      "block" in token && token.block ? `<p>${escapeHtml(token.text.trim())}</p>\n` : escapeHtml(token.text),
    // An image is a link to it: the page loads nothing the paste names (a tracking pixel would learn
    // who reads it, and the page's policy blocks other origins anyway).
    image: ({ href, text }) => `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`,
  },
});

/** Elements a rendered paste never needs: they would load, submit or restyle something. */
const FORBID_TAGS = [
  "style",
  "img",
  "picture",
  "source",
  "video",
  "audio",
  "iframe",
  "form",
  "button",
  "select",
  "textarea",
  "svg",
  "math",
];

const purify = DOMPurify(window);
purify.addHook("uponSanitizeAttribute", (_node, data) => {
  // Only the language of a fenced code block survives as a class (the page highlights it).
  if (data.attrName === "class" && !/^language-[\w+#-]+$/.test(data.attrValue)) data.keepAttr = false;
});
purify.addHook("afterSanitizeAttributes", (node) => {
  if (node instanceof HTMLAnchorElement) {
    node.rel = "noopener noreferrer nofollow";
    node.target = "_blank";
  }
  if (node instanceof HTMLInputElement) node.setAttribute("aria-label", node.checked ? "done" : "to do");
});

/** `text` rendered and sanitised, ready to append. */
export function renderMarkdown(text: string): DocumentFragment {
  const html = marked.parse(text, { async: false });
  return purify.sanitize(html, {
    RETURN_DOM_FRAGMENT: true,
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR: ["style", "id", "name"],
  });
}
