/**
 * What the test suite needs from the system besides `npm install`, checked by `npm test` before any
 * test runs, so that a missing tool is one clear message at the start and never a failure deep in the
 * suite. As root with apt-get, the missing Debian packages are installed (`apt-get update` once, then
 * one non-interactive install), each printed with the tests that need it; otherwise the run stops
 * with exit code 2 and the exact command to run. SEALBIN_TEST_INSTALL=no stops even as root.
 *
 * Only what the selected files and backends need is asked for: `SEALBIN_TEST_BACKENDS=sqlite npm test
 * -- src/x.test.ts` needs nothing from the system. `node scripts/system-deps.ts [files…]` runs the
 * check alone. Tests find their tools with the same functions (findExecutable, postgresBinDir), so
 * the check and the tests cannot disagree about where a tool is.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, globSync, readdirSync, statSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

type Env = Record<string, string | undefined>;

export const REPO = fileURLToPath(new URL("../", import.meta.url));

/**
 * Daemons such as nginx live in the sbin directories, which an unprivileged user's PATH often
 * leaves out: they are searched after PATH.
 */
const SBIN = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH (then in the sbin directories), or undefined. */
export function findExecutable(name: string, env: Env = process.env): string | undefined {
  const dirs = [...(env.PATH ?? "").split(delimiter).filter((d) => d !== ""), ...SBIN];
  for (const dir of dirs) {
    const path = join(dir, name);
    if (isExecutableFile(path)) return path;
  }
  return undefined;
}

/**
 * The directory of the PostgreSQL server binaries: Debian's newest /usr/lib/postgresql/<version>/bin
 * with initdb, else the directory of an initdb on PATH (other systems' layout).
 */
export function postgresBinDir(env: Env = process.env): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => isExecutableFile(join(root, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], "bin");
  }
  const initdb = findExecutable("initdb", env);
  return initdb ? dirname(initdb) : undefined;
}

function inPostgresBin(tool: string) {
  return (env: Env) => {
    const bin = postgresBinDir(env);
    return bin && isExecutableFile(join(bin, tool)) ? join(bin, tool) : undefined;
  };
}

export interface SystemTool {
  /** The command, as tests call it. */
  readonly name: string;
  /** The Debian package that brings it. */
  readonly debian: string;
  /** Where it is, or undefined when it is missing. */
  readonly find: (env: Env) => string | undefined;
  /** The files (repository paths) that run it. */
  readonly usedBy: readonly string[];
  /** Needed by every test of that backend's pass, whichever files run. */
  readonly wholePass?: "postgres";
  /** Needed only on that backend's pass. */
  readonly backend?: "postgres";
}

const onPath = (name: string) => (env: Env) => findExecutable(name, env);

/**
 * A python3 that imports PyNaCl: Debian's python3-nacl serves the system's /usr/bin/python3, which
 * need not be the first python3 on PATH (a pyenv or venv one may come first), so every python3 on
 * PATH is tried, then /usr/bin/python3. Remembered per PATH: each try starts an interpreter.
 */
const pythonsWithNacl = new Map<string, string>();
function pythonWithNacl(env: Env): string | undefined {
  const key = env.PATH ?? "";
  const known = pythonsWithNacl.get(key);
  if (known) return known;
  const dirs = [...key.split(delimiter).filter((d) => d !== ""), ...SBIN, "/usr/bin"];
  const candidates = new Set(dirs.map((d) => join(d, "python3")).filter(isExecutableFile));
  let found: string | undefined;
  for (const python of candidates) {
    const probe = spawnSync(python, ["-c", "import nacl.public"], { stdio: "ignore", env, timeout: 20_000 });
    if (probe.status === 0) {
      found = python;
      break;
    }
  }
  // Only a success is remembered: a missing PyNaCl may be installed by ensureSystemDeps meanwhile.
  if (found) pythonsWithNacl.set(key, found);
  return found;
}

/** The tests that run the README's commands as written (curl, the Python proof-of-work recipe, bash). */
const README_RUNS = ["test/e2e/readme-recipe.test.ts", "test/e2e/readme-walk.test.ts"];

/**
 * Every tool the suite runs, and who runs it: scripts/system-deps.test.ts fails when a file that runs
 * one is missing here. (A file listed that is gone only asks for a tool a little more often.)
 */
export const SYSTEM_TOOLS: readonly SystemTool[] = [
  {
    name: "curl",
    debian: "curl",
    find: onPath("curl"),
    usedBy: [...README_RUNS, "test/e2e/shortener.test.ts", "test/e2e/mtls.test.ts"],
  },
  { name: "python3", debian: "python3", find: onPath("python3"), usedBy: README_RUNS },
  {
    name: "bash",
    debian: "bash",
    find: onPath("bash"),
    usedBy: [...README_RUNS, "test/e2e/cli-terminal.test.ts"],
  },
  // The sealed function API against mini-share-point's own encoding, run with PyNaCl.
  {
    name: "python3-nacl",
    debian: "python3-nacl",
    find: pythonWithNacl,
    usedBy: ["test/e2e/functions-original.test.ts"],
  },
  {
    name: "openssl",
    debian: "openssl",
    find: onPath("openssl"),
    usedBy: [
      "test/e2e/pki.test.ts",
      "test/e2e/cli.test.ts",
      "test/e2e/cli-pki.test.ts",
      "test/e2e/mtls.test.ts",
    ],
  },
  {
    name: "script",
    debian: "bsdutils",
    find: onPath("script"),
    usedBy: [
      "test/helpers/cli.ts",
      "test/e2e/cli-config.test.ts",
      "test/e2e/cli-progress.test.ts",
      "test/e2e/cli-terminal.test.ts",
      "test/e2e/cli.test.ts",
    ],
  },
  { name: "nginx", debian: "nginx", find: onPath("nginx"), usedBy: ["test/e2e/pki-guide.test.ts"] },
  {
    name: "chromium",
    debian: "chromium",
    find: (env) => findExecutable("chromium", env) ?? findExecutable("chromium-browser", env),
    usedBy: [
      "test/e2e/web.test.ts",
      "test/e2e/web-paths.test.ts",
      "test/e2e/web-create.test.ts",
      "test/e2e/web-view.test.ts",
      "test/e2e/web-quality.test.ts",
      "test/e2e/web-pow.test.ts",
      "test/e2e/web-report.test.ts",
      "test/e2e/web-view-limits.test.ts",
      "test/e2e/docs-try-it-out.test.ts",
      "test/helpers/web-browser.ts",
    ],
  },
  {
    name: "systemd-analyze",
    debian: "systemd",
    find: onPath("systemd-analyze"),
    usedBy: ["test/e2e/deployment.test.ts"],
  },
  // The PostgreSQL pass: a throwaway server (scripts/pg-cluster.ts) and each test's database created
  // with psql (test/helpers/database.ts); pg_dump and pg_restore of the server's own version.
  ...["initdb", "pg_ctl", "postgres"].map(
    (name): SystemTool => ({
      name,
      debian: "postgresql",
      find: inPostgresBin(name),
      usedBy: ["scripts/pg-cluster.ts", "test/e2e/database-outage.test.ts"],
      wholePass: "postgres",
    }),
  ),
  {
    name: "psql",
    debian: "postgresql-client",
    find: onPath("psql"),
    usedBy: ["test/helpers/database.ts"],
    wholePass: "postgres",
  },
  ...["pg_dump", "pg_restore"].map(
    (name): SystemTool => ({
      name,
      debian: "postgresql-client",
      find: inPostgresBin(name),
      usedBy: ["test/e2e/backup.test.ts"],
      backend: "postgres",
    }),
  ),
];

/** Where a tool of SYSTEM_TOOLS is, found as the check finds it (tests start theirs from there). */
export function toolPath(name: string, env: Env = process.env): string | undefined {
  const tool = SYSTEM_TOOLS.find((t) => t.name === name);
  if (!tool) throw new Error(`${name} is not in SYSTEM_TOOLS`);
  return tool.find(env);
}

const GLOB = /[*?[\]{}]/;

/** The repository paths of the files `args` select (globs, directories or files), as node --test would. */
export function selectedFiles(args: readonly string[], cwd = process.cwd()): Set<string> {
  const files = new Set<string>();
  for (const arg of args) {
    const paths = GLOB.test(arg)
      ? globSync(arg, { cwd })
      : existsSync(resolve(cwd, arg)) && statSync(resolve(cwd, arg)).isDirectory()
        ? globSync("**/*.test.ts", { cwd: resolve(cwd, arg) }).map((p) => join(arg, p))
        : [arg];
    for (const p of paths) files.add(relative(REPO, isAbsolute(p) ? p : resolve(cwd, p)));
  }
  return files;
}

/** The tools that a run of `files` (repository paths) on `backends` needs. */
export function toolsNeeded(backends: readonly string[], files: ReadonlySet<string>): SystemTool[] {
  return SYSTEM_TOOLS.filter((tool) => {
    const pass = tool.wholePass ?? tool.backend;
    if (pass && !backends.includes(pass)) return false;
    if (tool.wholePass) return true;
    return tool.usedBy.some((f) => files.has(f));
  });
}

/** Missing tools grouped by Debian package, in the table's order: one line of the report each. */
export function missingPackages(tools: readonly SystemTool[], env: Env = process.env) {
  const packages = new Map<string, { tools: string[]; usedBy: Set<string> }>();
  for (const tool of tools) {
    if (tool.find(env)) continue;
    const entry = packages.get(tool.debian) ?? { tools: [], usedBy: new Set<string>() };
    entry.tools.push(tool.name);
    if (tool.wholePass) entry.usedBy.add(`every test on the ${tool.wholePass} pass`);
    for (const f of tool.usedBy) entry.usedBy.add(f);
    packages.set(tool.debian, entry);
  }
  return [...packages].map(([debian, { tools, usedBy }]) => ({ debian, tools, usedBy: [...usedBy] }));
}

type Missing = ReturnType<typeof missingPackages>;

function report(missing: Missing): string {
  const width = Math.max(...missing.map((m) => m.debian.length));
  return missing
    .map((m) => `  ${m.debian.padEnd(width)}  ${m.tools.join(", ")}, for ${m.usedBy.join(", ")}`)
    .join("\n");
}

function installCommand(missing: Missing): string {
  return `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.map((m) => m.debian).join(" ")}`;
}

function stop(missing: Missing, why: string): never {
  console.error(
    `\nThe test suite needs tools this machine lacks (Debian package, tools, tests that run them):\n${report(missing)}\n\n${why}\n\n  ${installCommand(missing)}\n\nthen run npm test again. (As root with apt-get, npm test installs them itself.)\n`,
  );
  process.exit(2);
}

/**
 * Makes sure every tool that `files` on `backends` need is there: installs the missing ones as root
 * with apt-get, or exits with code 2 and the command to run. Returns when all are present.
 */
export function ensureSystemDeps(options: { backends: readonly string[]; files: readonly string[] }): void {
  const env = process.env;
  const tools = toolsNeeded(options.backends, selectedFiles(options.files));
  const missing = missingPackages(tools, env);
  if (missing.length === 0) {
    console.log(
      tools.length > 0
        ? `# system tools: the ${tools.length} these tests need are present`
        : "# system tools: these tests need none",
    );
    return;
  }
  const aptGet = findExecutable("apt-get", env);
  const root = process.getuid?.() === 0;
  if (!root || !aptGet || env.SEALBIN_TEST_INSTALL === "no") {
    stop(
      missing,
      !aptGet
        ? "There is no apt-get here: install them with this system's package manager (Debian's names above), or on Debian:"
        : !root
          ? "Install them (this is not root, so npm test does not):"
          : "SEALBIN_TEST_INSTALL=no: npm test installs nothing. Install them with:",
    );
  }
  console.log(
    `# system tools: installing ${missing.length} Debian package(s) the suite needs (root, apt-get):\n${report(missing).replace(/^/gm, "#")}`,
  );
  const aptEnv = { ...env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync(aptGet, ["update", "-qq"], { stdio: "inherit", env: aptEnv });
  const install =
    update.status === 0
      ? spawnSync(
          aptGet,
          ["install", "-y", "-qq", "--no-install-recommends", ...missing.map((m) => m.debian)],
          { stdio: "inherit", env: aptEnv },
        )
      : update;
  const still = missingPackages(tools, env);
  if (install.status !== 0) {
    stop(
      missing,
      `apt-get ${update.status === 0 ? "install" : "update"} failed (exit ${install.status}): run it yourself and read its errors:`,
    );
  }
  if (still.length > 0) stop(still, "apt-get installed the packages, yet these tools are still missing:");
  console.log(`# system tools: installed ${missing.map((m) => m.debian).join(" ")}`);
}

if (import.meta.main) {
  const backends = (process.env.SEALBIN_TEST_BACKENDS ?? "sqlite,postgres").split(",").map((b) => b.trim());
  const args = process.argv.slice(2);
  ensureSystemDeps({ backends, files: args.length > 0 ? args : ["src", "test", "scripts"] });
}
