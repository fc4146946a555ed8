/** The create page's URL shortener: its own card, its own result, apart from the paste. */
import { shortenUrl } from "../client/pastes.ts";
import { byId, showError } from "./dom.ts";
import { showLink } from "./link-card.ts";
import { reasonOf, SOLVING, writeClient } from "./page-client.ts";

export function setupShortForm(): void {
  const form = byId("short-form", HTMLFormElement);
  const status = byId("short-status", HTMLElement);
  const bar = byId("short-progress", HTMLProgressElement);
  const button = form.querySelector("button[type=submit]") as HTMLButtonElement;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.classList.remove("error");
    button.disabled = true;
    try {
      status.textContent = "Sending…";
      const { client, onProgress } = writeClient(bar, {
        solving: () => {
          status.textContent = SOLVING;
        },
      });
      const short = await shortenUrl(client, byId("short-url", HTMLInputElement).value, { onProgress });
      status.textContent = "";
      showLink(
        { root: "short-result", field: "short-link", hint: "short-hint", copy: "short-copy", qr: "short-qr" },
        short.link,
        `Redirects to ${short.answer.target_url}`,
      );
    } catch (err) {
      showError(status, `Could not shorten: ${reasonOf(err)}`);
    } finally {
      button.disabled = false;
      bar.hidden = true;
    }
  });
}
