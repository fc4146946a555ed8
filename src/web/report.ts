/**
 * The paste page's "Report" link and its dialog (docs/moderation.md, POST /report): a reason, free
 * details, and whether to share the key. The page's own URL is sent — with its #fragment (the key)
 * only when the reporter ticks the box, so by default a moderator learns which paste, not what it
 * says. The proof-of-work, when the server asks for one, is solved by the page's workers, as for a
 * new paste.
 */
import { report } from "../client/moderation.ts";
import { REPORT_DETAILS_MAX, REPORT_REASONS, type ReportReason } from "../protocol/vocabulary.ts";
import { byId, showError } from "./dom.ts";
import { reasonOf, SOLVING, writeClient } from "./page-client.ts";

/** What the reporter reads for each reason the server accepts (every one, by the type). */
const REASON_LABELS: Record<ReportReason, string> = {
  spam: "Spam",
  malware: "Malware",
  phishing: "Phishing",
  illegal: "Illegal content",
  copyright: "Copyright infringement",
  other: "Other",
};

/** The page's URL as the report names it: the key (#fragment) only when the reporter shares it. */
export function reportedUrl(
  page: Pick<Location, "href" | "origin" | "pathname" | "search">,
  withKey: boolean,
) {
  return withKey ? page.href : `${page.origin}${page.pathname}${page.search}`;
}

export interface ReportLink {
  /** Offers the link: the paste is there to be reported. */
  show(): void;
  /** Withdraws it (the paste is gone, or unavailable), closing the dialog if open. */
  hide(): void;
}

/** `hasKey`: the page's link carries a key (its #fragment) that the reporter may share. */
export function setupReport(hasKey: boolean): ReportLink {
  const row = byId("report-row", HTMLElement);
  const open = byId("report-open", HTMLButtonElement);
  const dialog = byId("report-dialog", HTMLDialogElement);
  const form = byId("report-form", HTMLFormElement);
  const fields = byId("report-fields", HTMLElement);
  const reason = byId("report-reason", HTMLSelectElement);
  const details = byId("report-details", HTMLTextAreaElement);
  const keyRow = byId("report-key-row", HTMLElement);
  const includeKey = byId("report-include-key", HTMLInputElement);
  const bar = byId("report-progress", HTMLProgressElement);
  const status = byId("report-status", HTMLElement);
  const send = byId("report-send", HTMLButtonElement);
  const cancel = byId("report-cancel", HTMLButtonElement);

  reason.replaceChildren(...REPORT_REASONS.map((value) => new Option(REASON_LABELS[value], value)));
  details.maxLength = REPORT_DETAILS_MAX;
  byId("report-details-hint", HTMLElement).textContent =
    `Optional, up to ${REPORT_DETAILS_MAX.toLocaleString("en-US")} characters.`;
  let busy = false;

  /** A fresh form each time it opens, unless a report is still on its way. */
  const reset = () => {
    if (busy) return;
    form.reset();
    fields.hidden = false;
    send.hidden = false;
    cancel.textContent = "Cancel";
    status.classList.remove("error");
    status.textContent = "";
  };
  // No key in the link, nothing to share.
  keyRow.hidden = !hasKey;

  open.addEventListener("click", () => {
    reset();
    dialog.showModal();
    (busy ? cancel : reason).focus();
  });
  cancel.addEventListener("click", () => dialog.close());
  // Escape closes it too (the dialog's own): either way, focus goes back to the link.
  dialog.addEventListener("close", () => open.focus());

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (busy) return;
    busy = true;
    send.disabled = true;
    status.classList.remove("error");
    status.textContent = "Sending…";
    try {
      const { client, onProgress } = writeClient(bar, {
        solving: () => {
          status.textContent = SOLVING;
        },
        sending: () => {
          status.textContent = "Sending…";
        },
      });
      const text = details.value.trim();
      const receipt = await report(
        client,
        {
          url: reportedUrl(location, hasKey && includeKey.checked),
          reason: reason.value as ReportReason,
          ...(text ? { details: text } : {}),
        },
        { onProgress },
      );
      status.textContent = `${receipt.message} (report ${receipt.id}). Thank you.`;
      fields.hidden = true;
      send.hidden = true;
      cancel.textContent = "Close";
      if (dialog.open) cancel.focus();
    } catch (err) {
      showError(status, `Could not send the report: ${reasonOf(err)}`);
    } finally {
      busy = false;
      send.disabled = false;
      bar.hidden = true;
    }
  });

  return {
    show: () => {
      row.hidden = false;
    },
    hide: () => {
      row.hidden = true;
      if (dialog.open) dialog.close();
    },
  };
}
