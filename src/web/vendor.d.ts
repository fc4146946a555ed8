/** highlight.js ships types for its core, not for each grammar module. */
declare module "highlight.js/lib/languages/*" {
  import type { LanguageFn } from "highlight.js";

  const grammar: LanguageFn;
  export default grammar;
}
