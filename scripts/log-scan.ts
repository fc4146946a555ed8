/**
 * What no log line may contain: credentials and paste contents. Used by scripts/test.ts on every
 * line the test suite's servers wrote, and unit-tested in scripts/log-scan.test.ts.
 */
export const FORBIDDEN_PATTERNS: readonly [string, RegExp][] = [
  ["a JWT", /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a function client secret", /(?<![0-9a-f])[0-9a-f]{128}(?![0-9a-f])/],
  ["a PKCS#12 bundle", /MII[A-Za-z0-9+/]{200,}/],
  ["a webhook secret", /whsec_[A-Za-z0-9_-]{20,}/],
  ["an API token", /sbt_[0-9A-Za-z]{40}/],
];

/** Passwords, secrets and paste contents the tests use; none may ever reach a log line. */
export const FORBIDDEN_STRINGS: readonly string[] = [
  "hunter2",
  "correct horse battery",
  "ca-password",
  "bundle-pw",
  "import-me",
  "your-shared-secret",
  "the launch code",
  "secret data",
  "behind a password",
  "from an account",
  "made over mTLS",
  "from the downloaded client",
  "It is currently",
  "typed and async",
];

/** The reasons a line is unfit for a log, empty when it is fine. */
export function problemsIn(line: string): string[] {
  const problems = FORBIDDEN_PATTERNS.filter(([, re]) => re.test(line)).map(([what]) => what);
  for (const s of FORBIDDEN_STRINGS) if (line.includes(s)) problems.push(JSON.stringify(s));
  return problems;
}
