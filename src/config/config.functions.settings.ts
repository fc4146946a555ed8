import { DAY, integer, setting, text } from "./config.forms.ts";

/** The sealed function API. */
export const functionsSettings = {
  functionsModules: setting({
    name: "FUNCTIONS_MODULES",
    flaskpaste: false,
    kind: text("a file path"),
    default: "./modules/modules.ini",
    doc: "The sealed function API's modules file: `[Modules]` then `name=module` lines; each module is a .js/.mjs/.cjs/.ts file of that name in the file's folder exporting `entry_call()` (or `entryCall()`). A missing file means no functions (every call is refused).",
  }),
  functionsRequestTtl: setting({
    name: "FUNCTIONS_REQUEST_TTL",
    flaskpaste: false,
    kind: integer(1, 3600),
    default: 30,
    doc: "Seconds a sealed function call's timestamp may differ from the server's clock (the original's RequestTTL).",
  }),
  functionsIpTtl: setting({
    name: "FUNCTIONS_IP_TTL",
    flaskpaste: false,
    kind: integer(1, 7 * DAY),
    default: 300,
    doc: "Seconds an address stays known to the function API: the first call from an address not seen for this long is logged (the original's IPAddressTTL).",
  }),
  functionsTimeout: setting({
    name: "FUNCTIONS_TIMEOUT",
    flaskpaste: false,
    kind: integer(1, 600),
    default: 10,
    doc: "Seconds a function module may run before the call is refused and the module's worker is restarted.",
  }),
} as const;
