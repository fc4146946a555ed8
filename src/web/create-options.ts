/**
 * The create page's choices that depend on the server, on the languages the page knows or on each
 * other: the expiry list (what "default" means here, nothing past the server's maximum, both from
 * GET /), the format list, and the views list (burn after reading is one view: it stands for it).
 */
import type { PasteLimits } from "../client/pastes.ts";
import { byId } from "./dom.ts";
import { formatDuration } from "./format.ts";
import { type Format, LANGUAGE_LIST } from "./languages.ts";

/** The choices offered besides the default, in seconds. */
const EXPIRY_CHOICES: readonly [number, string][] = [
  [600, "in 10 minutes"],
  [3600, "in 1 hour"],
  [86400, "in 1 day"],
  [604800, "in 1 week"],
  [2592000, "in 30 days"],
  [7776000, "in 90 days"],
  [31536000, "in 1 year"],
];

/** What "default" means on this server (anonymous callers: the page sends no credentials). */
export function defaultExpiryText(limits: PasteLimits | undefined): string {
  const anonymous = limits?.expiry?.anonymous;
  if (typeof anonymous !== "number") return "default (the server's)";
  const sliding = limits?.expiry?.sliding !== false;
  return `default: ${formatDuration(anonymous)}${sliding ? " after the last read" : ""}`;
}

/** Fills the expiry list for this server: its default, then the choices up to its maximum. */
export function fillExpiry(limits: PasteLimits | undefined): void {
  const select = byId("expiry", HTMLSelectElement);
  const chosen = select.value;
  const options = [new Option(defaultExpiryText(limits), "")];
  for (const [seconds, label] of EXPIRY_CHOICES) {
    if (limits?.maxExpiry !== undefined && seconds > limits.maxExpiry) continue;
    options.push(new Option(label, String(seconds)));
  }
  if (limits?.maxExpiry !== undefined && !EXPIRY_CHOICES.some(([s]) => s === limits.maxExpiry)) {
    options.push(
      new Option(`in ${formatDuration(limits.maxExpiry)} (the longest here)`, String(limits.maxExpiry)),
    );
  }
  select.replaceChildren(...options);
  if (options.some((o) => o.value === chosen)) select.value = chosen;
}

/** The format list of the create page: detect on reading, plain, Markdown, or a language. */
export function fillFormats(chosen: Format = "auto"): void {
  const select = byId("format", HTMLSelectElement);
  select.replaceChildren(
    new Option("Auto-detect", "auto"),
    new Option("Plain text", "plaintext"),
    new Option("Markdown", "markdown-rendered"),
    ...LANGUAGE_LIST.filter((l) => l.id !== "markdown").map((l) => new Option(l.label, l.id)),
  );
  select.value = chosen;
}

/**
 * The views list follows "Burn after reading": ticked, the paste has one view and the list says
 * nothing more (it is disabled, and reads "1 view" until unticked).
 */
let viewsFollowBurn = false;

export function setupViews(): void {
  // Once per page: a clone sets the create page up again, on the same form.
  if (viewsFollowBurn) return;
  viewsFollowBurn = true;
  const burn = byId("burn", HTMLInputElement);
  const views = byId("views", HTMLSelectElement);
  const once = new Option("1 view (burn after reading)", "1");
  let chosen = views.value;
  const follow = () => {
    if (burn.checked) {
      chosen = views.value === "1" ? chosen : views.value;
      if (!once.parentElement) views.append(once);
      views.value = "1";
    } else {
      once.remove();
      views.value = chosen;
    }
    views.disabled = burn.checked;
  };
  burn.addEventListener("change", follow);
  follow();
}

/** The views chosen (X-Max-Views), or undefined: unlimited, or burn after reading (its own header). */
export function chosenViews(): number | undefined {
  if (byId("burn", HTMLInputElement).checked) return undefined;
  const value = byId("views", HTMLSelectElement).value;
  return value === "" ? undefined : Number(value);
}
