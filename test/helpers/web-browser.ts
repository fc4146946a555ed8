/**
 * The web interface's tests in a real browser: Debian's Chromium (npm test installs it:
 * scripts/system-deps.ts), driven headless by playwright-core; every page watched for Content
 * Security Policy violations; axe-core run inside a page for its accessibility checks.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { toolPath } from "../../scripts/system-deps.ts";
import type { Config } from "../../src/config/config.ts";
import { startServer, type TestServer } from "./server.ts";

const CHROMIUM = toolPath("chromium");
export const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const DOCS_SCREENSHOTS = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));

export interface WebSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  /** Every Content Security Policy violation any page reported (the tests expect none). */
  readonly cspViolations: string[];
  newPage(width?: number): Promise<Page>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<WebSession> {
  if (!CHROMIUM)
    throw new Error(
      "Chromium not found: npm test installs it as root, or says how (apt-get install chromium)",
    );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  const context = await browser.newContext({ acceptDownloads: true });
  const cspViolations: string[] = [];
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    browser,
    context,
    cspViolations,
    async newPage(width = 1000) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      page.on("console", (m) => {
        if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
      });
      return page;
    },
    close: () => browser.close(),
  };
}

export interface PasteInput {
  readonly text?: string;
  readonly file?: { name: string; mimeType: string; buffer: Buffer };
}

export interface PasteChoices {
  readonly burn?: boolean;
  readonly password?: string;
  readonly encrypt?: boolean;
  /** The Format list's label: "Markdown", "Rust", "Plain text"… */
  readonly format?: string;
  /** The Expires list's label: "in 1 week"… */
  readonly expiry?: string;
}

/** Fills the create form on `page` and submits it; the link the page then shows. */
export async function createOn(page: Page, server: TestServer, fill: PasteInput, options: PasteChoices = {}) {
  await page.goto(`${server.url}/`);
  if (fill.text !== undefined) await page.getByLabel("Text", { exact: true }).fill(fill.text);
  if (fill.file) await page.getByLabel("File", { exact: true }).setInputFiles(fill.file);
  if (options.format) await page.getByLabel("Format").selectOption({ label: options.format });
  if (options.expiry) await page.getByLabel("Expires").selectOption({ label: options.expiry });
  if (options.burn) await page.getByLabel("Burn after reading").check();
  if (options.password) await page.getByLabel("Password (optional)").fill(options.password);
  if (options.encrypt === false) await page.getByLabel("Encrypt in the browser").uncheck();
  await page.getByRole("button", { name: "Create paste" }).click();
  await page.locator("#result").waitFor({ state: "visible" });
  return page.getByLabel("Paste link").inputValue();
}

/** As createOn, in a page of its own that is closed afterwards. */
export async function createInBrowser(
  session: WebSession,
  server: TestServer,
  fill: PasteInput,
  options: PasteChoices = {},
): Promise<string> {
  const page = await session.newPage();
  try {
    return await createOn(page, server, fill, options);
  } finally {
    await page.close();
  }
}

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * axe-core's serious and critical violations on the page as it is now. Its source is evaluated in
 * the page's main world through the DevTools protocol, which the page's script policy (rightly)
 * does not govern; the page itself still runs no inline script.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(o: object): Promise<{ violations: AxeResult[] }> } }).axe;
    interface AxeResult {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[] }[];
    }
    const { violations } = await axe.run({ resultTypes: ["violations"] });
    return violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => n.target.join(" ")),
      }));
  });
}

/**
 * Saves a screenshot in test-artifacts/; one marked `docs` also in docs/screenshots/ when
 * SEALBIN_DOCS_SCREENSHOTS=1 (how the pictures in docs/web.md are made).
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { readonly fullPage?: boolean; readonly docs?: boolean } = {},
): Promise<void> {
  const fullPage = options.fullPage ?? true;
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage });
  if (options.docs && process.env.SEALBIN_DOCS_SCREENSHOTS === "1") {
    mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(DOCS_SCREENSHOTS, name), fullPage });
  }
}

/** Whether the page scrolls sideways (it must not, at any width the tests try). */
export const scrollsSideways = (page: Page): Promise<boolean> =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

/**
 * A test server and a browser for the suite it is called in (before/after hooks); at the end, no
 * Content Security Policy violation may have happened on any page.
 */
export function serverAndBrowser(overrides: Partial<Config> = {}): {
  readonly server: TestServer;
  readonly session: WebSession;
} {
  let server: TestServer | undefined;
  let session: WebSession | undefined;
  before(async () => {
    server = await startServer(overrides);
    session = await openBrowser();
  });
  after(async () => {
    await session?.close();
    await server?.close();
    assert.deepEqual(session?.cspViolations, [], "no Content Security Policy violation on any page");
  });
  return {
    get server() {
      if (!server) throw new Error("the server is not started yet");
      return server;
    },
    get session() {
      if (!session) throw new Error("the browser is not open yet");
      return session;
    },
  };
}
