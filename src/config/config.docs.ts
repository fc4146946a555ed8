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
- A \`.env\` file in the working directory is read too, and a \`SEALBIN_*\` name that sealbin does not
  know is reported at start-up: see [below](#the-env-file).

| Variable | Default | Form | Description |
| --- | --- | --- | --- |
${rows.join("\n")}

## The .env file

At start-up \`sealbin-server\` (and so \`npm start\`) reads \`.env\` in its working directory when
there is one: \`NAME=value\` lines, \`#\` comments, values optionally quoted, parsed by Node's own
\`.env\` reader (the one \`process.loadEnvFile\` and \`node --env-file\` use). A variable that the
real environment sets wins over the file's, so \`SEALBIN_PORT=8080 npm start\` overrides a port in
\`.env\`. No file is no change; a \`.env\` that exists but cannot be read stops start-up (exit code 2).
The server logs \`settings read from ./.env\` when it used one. The \`sealbin-server\` subcommands
(\`backup\`, \`pki server-cert\`, the function-client commands) read it too. Keep it mode 0600 when it
holds secrets (\`SEALBIN_PKI_CA_PASSWORD\`, \`SEALBIN_PROXY_SECRET\`); the container image never
contains one (\`.dockerignore\` keeps it out of the build).

## Variables sealbin does not know

A \`SEALBIN_*\` or \`FLASKPASTE_*\` variable (in any case) that no setting reads is reported at
start-up, one line each on standard error, with the nearest setting's name:

\`\`\`
sealbin-server: warning: SEALBIN_POW_DIFICULTY is not a sealbin setting and is ignored: did you mean SEALBIN_POW_DIFFICULTY?
\`\`\`

It is a warning, not a refusal to start: the environment is shared with the \`sealbin\` CLI and
whatever else runs beside the server, a FlaskPaste deployment's environment can name settings sealbin
does not have (\`FLASKPASTE_EXPIRY\` is reported with the three settings that replace it), and a
variable left behind by an upgrade should not turn into an outage. Every default is the safe one, so an
ignored variable leaves the server safe but not as configured: read the warnings after a change.
Names that are read by something other than the server are never reported: the CLI's
(\`SEALBIN_SERVER\`, \`SEALBIN_CERT_SHA1\`, \`SEALBIN_CLIENT_CERT\`, \`SEALBIN_CLIENT_KEY\`,
\`SEALBIN_CA_CERT\` and their \`FLASKPASTE_\` forms, \`SEALBIN_CONFIG\`, \`SEALBIN_PASSWORD\`; see
[cli.md](cli.md)) and the test suite's (\`SEALBIN_TEST_*\`, \`SEALBIN_FUZZ_SEED\`).

## Differences from FlaskPaste

- \`FLASKPASTE_EXPIRY\` (the API reference's single default expiry) is replaced by the three tiered
  defaults the README documents: \`EXPIRY_ANON\`, \`EXPIRY_UNTRUSTED\` and \`EXPIRY_TRUSTED\`.
- \`MAX_EXPIRY\` defaults to 90 days, as the README says (the API reference says 30).
- The database defaults to \`./data/sealbin.db\`; set \`FLASKPASTE_DB\` or \`SEALBIN_DB\` to reuse a path.
`;
}
