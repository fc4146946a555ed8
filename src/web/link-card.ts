/** A new link as the create page shows it: the link, a copy button and its QR code. */
import qrcode from "qrcode-generator";
import { byId } from "./dom.ts";

/** The elements of one result (the paste's, or the short URL's, each in its own card). */
export interface LinkCard {
  readonly root: string;
  readonly field: string;
  readonly hint: string;
  readonly copy: string;
  readonly qr: string;
}

export function showLink(card: LinkCard, link: string, hint: string): void {
  byId(card.root, HTMLElement).hidden = false;
  const field = byId(card.field, HTMLInputElement);
  field.value = link;
  byId(card.hint, HTMLElement).textContent = hint;
  const qr = qrcode(0, "M");
  qr.addData(link);
  qr.make();
  byId(card.qr, HTMLImageElement).src = qr.createDataURL(4, 2);
  const copy = byId(card.copy, HTMLButtonElement);
  copy.textContent = "Copy";
  copy.onclick = async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      copy.textContent = "Copied";
    } catch {
      field.select();
      copy.textContent = "Press Ctrl+C";
    }
  };
  field.focus();
  field.select();
}
