/** Small helpers over the page's markup (web/page.html). */

/** The element with this id, checked to be of the expected kind. */
export function byId<T extends HTMLElement>(id: string, kind: { new (): T; prototype: T }): T {
  const found = document.getElementById(id);
  if (!(found instanceof kind)) throw new Error(`the page has no #${id} of the expected kind`);
  return found;
}

/** Shows `text` in a status line as an error. */
export function showError(status: HTMLElement, text: string): void {
  status.textContent = text;
  status.classList.add("error");
}
