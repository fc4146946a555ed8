import { boolean, setting, text } from "./config.forms.ts";

const URL_MAX = 2048;

/** Empty, or an http(s) URL a webhook may have: at most 2,048 characters, no user name or password. */
function webhookUrl() {
  const form = `empty, or an https:// or http:// URL of at most ${URL_MAX} characters without a user name or password`;
  return {
    form,
    parse(raw: string): string {
      const value = raw.trim();
      if (value === "") return "";
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new Error(form);
      }
      const http = url.protocol === "https:" || url.protocol === "http:";
      if (!http || value.length > URL_MAX || url.username !== "" || url.password !== "")
        throw new Error(form);
      return value;
    },
  };
}

/** Signed webhooks (docs/webhooks.md): the operator's instance-event receiver and the SSRF guard. */
export const webhooksSettings = {
  webhookUrl: setting({
    name: "WEBHOOK_URL",
    flaskpaste: false,
    kind: webhookUrl(),
    default: "",
    doc: "Where instance events (paste.created, report.created, writes.changed) are delivered, signed with SEALBIN_WEBHOOK_SECRET, retried with backoff for up to 24 hours (docs/webhooks.md). The SSRF guard applies to it as to owners' webhooks: a receiver on this host or the local network needs SEALBIN_WEBHOOK_ALLOW_PRIVATE. Empty: none are sent.",
    defaultDoc: "(empty: no instance events)",
  }),
  webhookSecret: setting({
    name: "WEBHOOK_SECRET",
    flaskpaste: false,
    kind: text("a string"),
    default: "",
    doc: "The key instance events are signed with (X-Sealbin-Signature: HMAC-SHA256, docs/webhooks.md); use 32 random bytes or more, e.g. `openssl rand -hex 32`. Required when SEALBIN_WEBHOOK_URL is set: start-up refuses the one without the other.",
    secret: true,
  }),
  webhookAllowPrivate: setting({
    name: "WEBHOOK_ALLOW_PRIVATE",
    flaskpaste: false,
    kind: boolean(),
    default: false,
    doc: "Deliver webhooks (owners' and the instance's) to loopback, private (RFC 1918, fc00::/7), link-local (169.254.0.0/16 with the cloud metadata address, fe80::/10), CGNAT, reserved and multicast addresses too. Off, such an address is refused at registration when written as one, and on every address a name resolves to, when connecting: DNS rebinding cannot reach them.",
  }),
} as const;

/** What start-up refuses in these settings together (each a line naming the variables). */
export function webhookProblems(config: { webhookUrl: string; webhookSecret: string }): string[] {
  return config.webhookUrl !== "" && config.webhookSecret === ""
    ? ["SEALBIN_WEBHOOK_SECRET must be set when SEALBIN_WEBHOOK_URL is (it signs the instance events)"]
    : [];
}
