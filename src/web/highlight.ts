/** A light, language-agnostic highlighter: comments, strings, numbers, common keywords. */

const KEYWORDS = new Set(
  (
    "if else for while do return function const let var class new import export from def elif try except " +
    "finally raise with as in is not and or None True False null true false undefined this self async await " +
    "switch case break continue default struct enum impl fn pub use mod match type interface package func go " +
    "int void char long double float bool string public private protected static final throw throws catch"
  ).split(" "),
);
const TOKEN =
  /(\/\/[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)|(\b\d[\d_.xXa-fA-F]*\b)|([A-Za-z_$][\w$]*)/g;

/** Beyond this many characters the text is shown plain. */
const MAX_HIGHLIGHTED = 200_000;

/** Appends `text` to `into`, tokens in spans of class c, s, n or k (styled by app.css). */
export function highlight(text: string, into: HTMLElement): void {
  if (text.length > MAX_HIGHLIGHTED) {
    into.textContent = text;
    return;
  }
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const cls = m[1] ? "c" : m[2] ? "s" : m[3] ? "n" : KEYWORDS.has(m[4] ?? "") ? "k" : null;
    if (!cls) continue;
    into.append(text.slice(last, m.index));
    const span = document.createElement("span");
    span.className = cls;
    span.textContent = m[0];
    into.append(span);
    last = m.index + m[0].length;
  }
  into.append(text.slice(last));
}
