import { DAY, integer, setting, text } from "./config.forms.ts";

/** The sealed function API. */
export const functionsSettings = {
  functionsModules: setting(
    "FUNCTIONS_MODULES",
    false,
    text("a file path"),
    "./modules/modules.ini",
    "The sealed function API's modules file: `[Modules]` then `name=module` lines; each module is a .js/.mjs/.cjs/.ts file of that name in the file's folder exporting `entry_call()` (or `entryCall()`). A missing file means no functions (every call is refused).",
  ),
  functionsRequestTtl: setting(
    "FUNCTIONS_REQUEST_TTL",
    false,
    integer(1, 3600),
    30,
    "Seconds a sealed function call's timestamp may differ from the server's clock (the original's RequestTTL).",
  ),
  functionsIpTtl: setting(
    "FUNCTIONS_IP_TTL",
    false,
    integer(1, 7 * DAY),
    300,
    "Seconds an address stays known to the function API: the first call from an address not seen for this long is logged (the original's IPAddressTTL).",
  ),
  functionsTimeout: setting(
    "FUNCTIONS_TIMEOUT",
    false,
    integer(1, 600),
    10,
    "Seconds a function module may run before the call is refused and the module's worker is restarted.",
  ),
} as const;
