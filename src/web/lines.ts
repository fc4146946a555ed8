/**
 * Text as one element per line, so that CSS can number the lines and wrap them: each line is a
 * `span.line` ending in its "\n" (the text content stays the paste's text, byte for byte), and a
 * highlighted token that spans several lines (a block comment) is reopened on each of them.
 */

/** Lines of `source`: plain text, or highlight.js's HTML (text and spans only). */
export function toLines(source: { text: string } | { html: string }): HTMLSpanElement[] {
  const lines: HTMLSpanElement[] = [];
  let line = newLine(lines);
  // The current line's open elements, each the copy of the source element at the same depth.
  let open: { from: Element; copy: Element }[] = [];

  const append = (text: string, path: readonly Element[]) => {
    let depth = 0;
    while (depth < open.length && depth < path.length && open[depth]?.from === path[depth]) depth++;
    open = open.slice(0, depth);
    for (const from of path.slice(depth)) {
      const copy = from.cloneNode(false) as Element;
      (open.at(-1)?.copy ?? line).append(copy);
      open.push({ from, copy });
    }
    (open.at(-1)?.copy ?? line).append(text);
  };

  const walk = (node: Node, path: readonly Element[]) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const parts = (node.textContent ?? "").split("\n");
      parts.forEach((part, i) => {
        if (i > 0) {
          line.append("\n");
          line = newLine(lines);
          open = [];
        }
        if (part !== "") append(part, path);
      });
    } else if (node instanceof Element) {
      for (const child of Array.from(node.childNodes)) walk(child, [...path, node]);
    }
  };

  if ("text" in source) walk(document.createTextNode(source.text), []);
  else {
    const template = document.createElement("template");
    // highlight.js output: the paste's text escaped, in spans of its own classes.
    template.innerHTML = source.html;
    for (const child of Array.from(template.content.childNodes)) walk(child, []);
  }
  // Text that ends with a newline has no further line.
  if (lines.length > 1 && line.childNodes.length === 0) lines.pop();
  return lines;
}

function newLine(lines: HTMLSpanElement[]): HTMLSpanElement {
  const line = document.createElement("span");
  line.className = "line";
  lines.push(line);
  return line;
}
