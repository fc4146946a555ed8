import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, isAbsolute, join, posix, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { backendEnv } from "../helpers/database.ts";

/**
 * The container image without a container engine (none runs on the machines CI uses). Its file set is
 * built here by following the Containerfile itself — COPY from the repository through .dockerignore,
 * RUN's commands in the built directory (npm ci for real) — and its CMD is started from that directory
 * with its ENV, as its USER when this runs as root, on the Node.js 24 the base image has. Every page and
 * asset must then answer: a file the image lacks (web/, once) fails here. An instruction or a RUN
 * command this test does not know how to reproduce fails it too, so that it cannot drift from the file.
 */

const repo = fileURLToPath(new URL("../../", import.meta.url));
const WAIT_MS = 60_000;

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** Instructions, with `\` continuations joined and comments dropped (also inside continuations). */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && pending === "")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = "";
    if (full === "") continue;
    const op = full.split(/\s+/)[0] ?? "";
    out.push({ op: op.toUpperCase(), args: full.slice(op.length).trim() });
  }
  return out;
}

/** .dockerignore: the last pattern matching a path (or a folder above it) decides; `!` re-includes. */
function ignoreRules(text: string): (path: string) => boolean {
  const rules = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const glob = posix.normalize((negate ? l.slice(1) : l).trim()).replace(/^\/+|\/+$/g, "");
      const body = glob
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((part) =>
          part === "**/"
            ? "(?:.*/)?"
            : part === "**"
              ? ".*"
              : part === "*"
                ? "[^/]*"
                : part === "?"
                  ? "[^/]"
                  : part.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
        )
        .join("");
      return { negate, re: new RegExp(`^${body}(?:/.*)?$`) };
    });
  return (path) => {
    let ignored = false;
    for (const rule of rules) if (rule.re.test(path)) ignored = !rule.negate;
    return ignored;
  };
}

/** `["a", "b"]` (exec form) as a list; the shell form is refused: the image's commands use none. */
function execForm(args: string, what: string): string[] {
  assert.ok(args.startsWith("["), `${what} in shell form is not reproduced by this test: ${args}`);
  return JSON.parse(args) as string[];
}

/** ENV's KEY=value pairs (values may be double-quoted). */
function envPairs(args: string): [string, string][] {
  const pairs = [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)].map(
    (m): [string, string] => [
      m[1] ?? "",
      m[2]?.startsWith('"') ? (JSON.parse(m[2]) as string) : (m[2] ?? ""),
    ],
  );
  assert.ok(pairs.length > 0, `ENV in the legacy "ENV KEY value" form is not reproduced: ${args}`);
  return pairs;
}

interface Image {
  /** The image's / on this machine: every absolute path of the image lives under it. */
  readonly root: string;
  readonly workdir: string;
  readonly env: Record<string, string>;
  readonly command: string[];
  readonly healthcheck: string[];
  readonly stopSignal: NodeJS.Signals;
  readonly user?: { uid: number; gid: number; home: string };
}

/**
 * Follows the Containerfile: the file set under `root`, and how the image starts. A build stage before
 * the last FROM (`FROM … AS name`) is built the same way in a folder of `scratch`, for the last stage's
 * `COPY --from=name` to take files from.
 */
function buildImage(root: string, scratch: string): Image {
  const all = instructions(readFileSync(join(repo, "Containerfile"), "utf8"));
  const lastFrom = all.map((i) => i.op).lastIndexOf("FROM");
  const stages = new Map<string, string>();
  let stageRoot = root;
  const at = (imagePath: string) => join(stageRoot, imagePath);
  const ignored = ignoreRules(
    existsSync(join(repo, ".dockerignore")) ? readFileSync(join(repo, ".dockerignore"), "utf8") : "",
  );
  const users = new Map<string, { uid: number; home: string }>();
  let workdir = "/";
  let user: Image["user"];
  const env: Record<string, string> = {};
  let command: string[] = [];
  let entrypoint: string[] = [];
  let healthcheck: string[] = [];
  let stopSignal: NodeJS.Signals = "SIGTERM";
  const inImage = (p: string) => (isAbsolute(p) ? p : posix.join(workdir, p));

  /** Copies from the build context (through .dockerignore), or from an earlier stage's files. */
  const copyInto = (source: string, target: string, context = repo) => {
    const rel = relative(context, source).split("\\").join("/");
    if (context === repo && rel !== "" && ignored(rel)) return;
    const stat = lstatSync(source);
    if (stat.isDirectory()) {
      mkdirSync(target, { recursive: true });
      for (const entry of readdirSync(source)) copyInto(join(source, entry), join(target, entry), context);
    } else {
      assert.ok(stat.isFile(), `${rel}: only files and folders are copied here`);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(source, target);
      chmodSync(target, stat.mode & 0o777);
    }
  };

  // RUN: each `&&`-joined command, reproduced or refused.
  const run = (line: string) => {
    assert.doesNotMatch(line, /[;|<>`$]|\|\|/, `RUN with shell syntax beyond && is not reproduced: ${line}`);
    for (const command of line.split("&&").map((c) => c.trim().split(/\s+/))) {
      const [name = "", ...args] = command;
      if (name === "npm" && args[0] === "ci") {
        // For real, in the built folder, on the Node.js 24 that stands for the base image's. npm's cache
        // is the machine's (prefer-offline: no network for what `npm install` already fetched); where
        // the tarballs come from does not change what is installed.
        const result = spawnSync("npm", args, {
          cwd: at(workdir),
          env: {
            ...env,
            PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`,
            HOME: process.env.HOME ?? root,
            npm_config_prefer_offline: "true",
            // This machine's way to the registry (a proxy, its CA), when npm's cache lacks something.
            ...Object.fromEntries(
              [
                "NODE_EXTRA_CA_CERTS",
                "HTTPS_PROXY",
                "HTTP_PROXY",
                "NO_PROXY",
                "https_proxy",
                "http_proxy",
                "no_proxy",
              ]
                .filter((k) => process.env[k] !== undefined)
                .map((k) => [k, process.env[k] as string]),
            ),
            npm_config_update_notifier: "false",
          },
          encoding: "utf8",
          timeout: 240_000,
        });
        assert.equal(result.status, 0, `npm ${args.join(" ")}:\n${result.stdout}\n${result.stderr}`);
      } else if (name === "node" && args.length === 1 && /^[\w./-]+\.ts$/.test(args[0] ?? "")) {
        // A script of the repository's, run with the Node.js 24 that stands for the base image's.
        const result = spawnSync(process.execPath, args, {
          cwd: at(workdir),
          encoding: "utf8",
          timeout: 120_000,
        });
        assert.equal(result.status, 0, `node ${args.join(" ")}:\n${result.stdout}\n${result.stderr}`);
      } else if (name === "npm" && args.join(" ") === "cache clean --force") {
        // Empties npm's cache (/root/.npm) so the layer does not keep it: outside the file set.
      } else if (name === "useradd") {
        const option = (flag: string) => args[args.indexOf(flag) + 1] ?? "";
        assert.ok(
          args.includes("--uid") && args.includes("--home-dir"),
          `useradd without --uid/--home-dir: ${line}`,
        );
        users.set(args[args.length - 1] ?? "", { uid: Number(option("--uid")), home: option("--home-dir") });
      } else if (name === "mkdir" && args[0] === "-p") {
        for (const dir of args.slice(1)) mkdirSync(at(inImage(dir)), { recursive: true });
      } else if (name === "chown" && args.length === 2) {
        const owner = users.get((args[0] ?? "").split(":")[0] ?? "");
        assert.ok(owner, `chown to a user no useradd created: ${line}`);
        if (process.getuid?.() === 0) chownSync(at(inImage(args[1] ?? "")), owner.uid, owner.uid);
      } else {
        assert.fail(`a RUN command this test does not reproduce: ${command.join(" ")}`);
      }
    }
  };

  for (const [index, { op, args }] of all.entries()) {
    switch (op) {
      case "FROM": {
        const stage = /\s+AS\s+([\w-]+)$/i.exec(args)?.[1];
        assert.ok(index === lastFrom || stage, `a build stage needs a name (FROM … AS name): ${args}`);
        stageRoot = index === lastFrom ? root : mkdtempSync(join(scratch, `stage-${stage}-`));
        if (stage) stages.set(stage, stageRoot);
        workdir = "/";
        for (const key of Object.keys(env)) delete env[key];
        const major = /\/node:(\d+)/.exec(args)?.[1];
        assert.ok(major, `FROM a Node.js image: ${args}`);
        assert.equal(
          process.versions.node.split(".")[0],
          major,
          "this test stands the running Node.js for the image's",
        );
        break;
      }
      case "WORKDIR":
        workdir = inImage(args);
        mkdirSync(at(workdir), { recursive: true });
        break;
      case "COPY": {
        let parts = args.startsWith("[") ? (JSON.parse(args) as string[]) : args.split(/\s+/);
        const fromStage = /^--from=([\w-]+)$/.exec(parts[0] ?? "")?.[1];
        if (fromStage) parts = parts.slice(1);
        assert.ok(!parts.some((p) => p.startsWith("--")), `COPY options are not reproduced: ${args}`);
        const context = fromStage ? stages.get(fromStage) : repo;
        assert.ok(context, `COPY --from=${fromStage}: no earlier stage of that name`);
        const target = inImage(parts.at(-1) ?? "");
        const sources = parts.slice(0, -1);
        const intoFolder = target.endsWith("/") || sources.length > 1;
        for (const source of sources) {
          const from = join(context, source);
          assert.ok(existsSync(from), `COPY ${args}: no such file in ${fromStage ?? "the repository"}`);
          const isFile = lstatSync(from).isFile();
          const into = at(isFile && intoFolder ? posix.join(target, posix.basename(source)) : target);
          copyInto(from, into, context);
        }
        break;
      }
      case "RUN":
        run(args);
        break;
      case "USER": {
        const found = users.get(args);
        assert.ok(found, `USER ${args}: no useradd created it`);
        user = { uid: found.uid, gid: found.uid, home: found.home };
        break;
      }
      case "ENV":
        for (const [key, value] of envPairs(args)) env[key] = value;
        break;
      case "CMD":
        command = execForm(args, "CMD");
        break;
      case "ENTRYPOINT":
        entrypoint = execForm(args, "ENTRYPOINT");
        break;
      case "HEALTHCHECK":
        healthcheck = execForm(args.slice(args.indexOf("CMD ") + 4), "HEALTHCHECK CMD");
        break;
      case "STOPSIGNAL":
        stopSignal = args as NodeJS.Signals;
        break;
      case "VOLUME":
      case "EXPOSE":
      case "LABEL":
        break;
      default:
        assert.fail(`a Containerfile instruction this test does not reproduce: ${op} ${args}`);
    }
  }
  // The image's absolute paths, in its ENV, are under `root` here.
  for (const [key, value] of Object.entries(env)) if (value.startsWith("/")) env[key] = at(value);
  if (user) user = { ...user, home: at(user.home) };
  return {
    root,
    workdir: at(workdir),
    env,
    command: [...entrypoint, ...command],
    healthcheck,
    stopSignal,
    ...(user ? { user } : {}),
  };
}

/** The image's process: its ENV, PATH with the base image's node, its user when this runs as root. */
function start(image: Image, argv: string[], extraEnv: Record<string, string>): ChildProcess {
  const [command = "", ...args] = argv;
  const asUser = image.user && process.getuid?.() === 0 ? { uid: image.user.uid, gid: image.user.gid } : {};
  return spawn(command, args, {
    cwd: image.workdir,
    env: {
      ...image.env,
      PATH: `${dirname(process.execPath)}${delimiter}/usr/local/bin${delimiter}/usr/bin${delimiter}/bin`,
      HOME: image.user?.home ?? image.root,
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
    ...asUser,
  });
}

/** Paths a page (src, href) or a script (module imports, "/static/…" names) asks the browser for. */
function referencedPaths(body: string, type: string, base: URL): string[] {
  const patterns = type.includes("html")
    ? [/\b(?:src|href)="([^"#'+][^"'+]*)"/g]
    : [/\bfrom\s*"(\.{1,2}\/[^"]+)"/g, /"(\/static\/[^"]+)"/g];
  return patterns
    .flatMap((pattern) => [...body.matchAll(pattern)].map((m) => new URL(m[1] ?? "", base)))
    .filter((url) => url.origin === base.origin)
    .map((url) => url.pathname + url.search);
}

describe("the container image", () => {
  it("built as the Containerfile says, starts from its own files and serves every page and asset", async () => {
    const root = mkdtempSync(join(tmpdir(), "sealbin-image-"));
    chmodSync(root, 0o755); // the image's user walks it
    const scratch = mkdtempSync(join(tmpdir(), "sealbin-image-stages-"));
    let server: ChildProcess | undefined;
    try {
      const image = buildImage(root, scratch);
      const modules = join(image.workdir, "node_modules");
      assert.ok(existsSync(join(modules, "fastify")), "production dependencies installed");
      assert.ok(!existsSync(join(modules, "node")), "no `node` package: the base image has Node.js 24");
      assert.ok(!existsSync(join(modules, "typescript")), "no development dependencies");
      assert.ok(!existsSync(join(image.workdir, "src", "config", "config.test.ts")), "no unit tests");
      assert.ok(!existsSync(join(image.workdir, ".env")) && !existsSync(join(image.workdir, "data")));

      // As `podman run -e`: a free port instead of 5000, and no proof-of-work so that the test can
      // create a paste; on npm test's PostgreSQL pass, that database (as SEALBIN_DATABASE_URL).
      const extra: Record<string, string> = { SEALBIN_PORT: "0", SEALBIN_POW_DIFFICULTY: "0" };
      const postgres = backendEnv({ SEALBIN_DB: image.env.SEALBIN_DB ?? "" }).SEALBIN_DATABASE_URL;
      if (postgres) extra.SEALBIN_DATABASE_URL = postgres;
      server = start(image, image.command, extra);
      let stdout = "";
      let stderr = "";
      server.stderr?.on("data", (d) => {
        stderr += d;
      });
      const exited = new Promise<number | null>((resolve) => server?.on("exit", (code) => resolve(code)));
      const port = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`not listening within ${WAIT_MS} ms:\n${stdout}\n${stderr}`)),
          WAIT_MS,
        );
        server?.stdout?.on("data", (d) => {
          stdout += d;
          if (process.env.SEALBIN_TEST_LOG_DIR)
            appendFileSync(join(process.env.SEALBIN_TEST_LOG_DIR, `child-${server?.pid}.jsonl`), d);
          const found = /Server listening at http:\/\/[^\s"]+:(\d+)/.exec(stdout)?.[1];
          if (found) {
            clearTimeout(timer);
            resolve(found);
          }
        });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`the image's server exited (${code}):\n${stdout}\n${stderr}`));
        });
      });
      const base = new URL(`http://127.0.0.1:${port}/`);
      const get = (path: string, accept = "*/*") => fetch(new URL(path, base), { headers: { accept } });

      const created = await fetch(base, { method: "POST", body: "served from the image" });
      assert.equal(created.status, 201, await created.clone().text());
      const { id } = (await created.json()) as { id: string };
      const raw = await get(`/${id}/raw`);
      assert.equal(raw.status, 200);
      assert.equal(await raw.text(), "served from the image");

      // The pages, then everything they and their scripts ask for, transitively.
      const types = new Map<string, string>();
      const queue: [string, string][] = [
        ["/", "text/html"],
        [`/${id}`, "text/html"],
        ["/docs", "text/html"],
        ["/", "*/*"],
        ["/client", "*/*"],
        ["/openapi.json", "*/*"],
        ["/health", "*/*"],
      ];
      const seen = new Set<string>();
      while (queue.length > 0) {
        const [path, accept] = queue.shift() ?? ["", ""];
        if (seen.has(`${accept} ${path}`)) continue;
        seen.add(`${accept} ${path}`);
        const res = await get(path, accept);
        const body = await res.text();
        assert.equal(res.status, 200, `GET ${path} (Accept: ${accept}): ${body.slice(0, 200)}`);
        const type = res.headers.get("content-type") ?? "";
        types.set(`${accept} ${path}`, type);
        if (/html|javascript/.test(type)) {
          for (const ref of referencedPaths(body, type, new URL(res.url))) queue.push([ref, "*/*"]);
        }
      }
      const typeOf = (path: string, accept = "*/*") => types.get(`${accept} ${path}`) ?? "(not fetched)";
      assert.match(typeOf("/", "text/html"), /^text\/html/);
      assert.match(typeOf(`/${id}`, "text/html"), /^text\/html/);
      assert.match(typeOf("/docs", "text/html"), /^text\/html/);
      assert.match(typeOf("/"), /^application\/json/);
      assert.match(typeOf("/openapi.json"), /^application\/json/);
      for (const name of ["app.js", "pow-worker.js"])
        assert.match(typeOf(`/static/${name}`), /^text\/javascript/, name);
      assert.match(typeOf("/static/app.css"), /^text\/css/);
      const docsAssets = [...types.keys()].filter((k) => k.startsWith("*/* /docs/"));
      assert.ok(docsAssets.length > 0, "the API page's scripts and styles were fetched");
      const client = await (await get("/client")).text();
      assert.match(
        client,
        /^#!\/usr\/bin\/env node\n\/\/ Generated by scripts\/build\.ts/,
        "GET /client is the built CLI",
      );
      assert.match(client, /sealbin-cli\//);
      assert.ok(
        !existsSync(join(image.workdir, "node_modules", "esbuild")),
        "the build tools stay in stage 1",
      );

      // The image's HEALTHCHECK, pointed at this port instead of 5000.
      const check = start(
        image,
        image.healthcheck.map((a) => a.replace(":5000/", `:${port}/`)),
        {},
      );
      assert.equal(await new Promise((resolve) => check.on("exit", resolve)), 0, "HEALTHCHECK passes");

      // STOPSIGNAL: a clean stop.
      server.kill(image.stopSignal);
      assert.equal(await exited, 0);
      assert.equal(stderr.replace(/.*ExperimentalWarning.*\n|.*--trace-warnings.*\n/g, ""), "");
    } finally {
      if (server && server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
      rmSync(root, { recursive: true, force: true });
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
