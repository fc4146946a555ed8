import { type Setting, settings } from "./config.schema.ts";
import { envNames } from "./config.ts";

/** docs/configuration.md, generated from the schema so the two never disagree. */
export function renderConfigDocs(): string {
  const rows = Object.values(settings).map((s: Setting<unknown>) => {
    const names = envNames(s)
      .map((n) => `\`${n}\``)
      .join("<br>");
    const value = typeof s.default === "boolean" ? Number(s.default) : s.default;
    const shown = s.defaultDoc ?? (value === "" ? "(empty)" : `\`${String(value)}\``);
    return `| ${names} | ${shown} | ${s.form} | ${s.doc.replaceAll("|", "\\|")} |`;
  });
  return `# Configuration

<!-- Generated from src/config/config.schema.ts by \`npm run docs:config\`; do not edit by hand. -->

sealbin reads its configuration from environment variables named \`SEALBIN_<NAME>\`. Every
\`FLASKPASTE_<NAME>\` that the FlaskPaste documents name is accepted as an alias, so an existing
FlaskPaste deployment's environment works unchanged; when both are set, \`SEALBIN_<NAME>\` wins.

- Integers are plain decimal digits: \`1e3\`, \`12x\` or \`1.5\` are refused.
- Booleans accept \`1\`/\`0\`, \`true\`/\`false\` and \`yes\`/\`no\`, in any case.
- An invalid value stops start-up (exit code 2) with a message naming the variable and the expected
  form. A secret's value is never printed.
- Sizes are in bytes, durations in seconds.

| Variable | Default | Form | Description |
| --- | --- | --- | --- |
${rows.join("\n")}

## Differences from FlaskPaste

- \`FLASKPASTE_EXPIRY\` (the API reference's single default expiry) is replaced by the three tiered
  defaults the README documents: \`EXPIRY_ANON\`, \`EXPIRY_UNTRUSTED\` and \`EXPIRY_TRUSTED\`.
- \`MAX_EXPIRY\` defaults to 90 days, as the README says (the API reference says 30).
- The database defaults to \`./data/sealbin.db\`; set \`FLASKPASTE_DB\` or \`SEALBIN_DB\` to reuse a path.
`;
}
