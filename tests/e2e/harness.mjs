// Shared set-up for the end-to-end tests: the real probe binary serving the built app on loopback,
// and Debian's Chromium driven by playwright-core (never a downloaded browser).
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, normalize } from 'node:path';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const root = new URL('../../', import.meta.url).pathname;
export const artifacts = `${root}tests/artifacts`;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts `portcheck serve` on a free loopback port and resolves once it prints its URL. `args`
 * are extra options; the probe's standard input stays open for `answer` (its terminal), and
 * `waitFor` resolves when its output (questions end without a newline) contains a text.
 */
export async function startProbe({ dir = `${root}dist`, args = [] } = {}) {
  const bin = process.env.PORTCHECK_BIN ?? `${root}target/debug/portcheck`;
  const child = spawn(bin, ['serve', '--dir', dir, '--port', '0', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  const waiters = [];
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    for (const w of waiters.filter((w) => stdout.includes(w.text, w.from))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(stdout);
    }
  });
  const { url, token } = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`probe did not start in 10 s:\n${stderr}`)), 10_000);
    child.on('exit', (code) => reject(new Error(`probe exited with ${code}:\n${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      // The printed URL carries the probe's token in its fragment; tests add their own fragments.
      const match = line.match(/Open (http:\/\/[^#\s]+)(?:#t=(\S+))?/);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], token: match[2] });
      }
    });
  });
  return {
    url,
    token,
    /** Resolves with everything printed so far once `text` appears after what was read before. */
    waitFor: (text) => new Promise((resolve) => {
      const from = stdout.length;
      waiters.push({ text, from, resolve });
    }),
    answer: (line) => child.stdin.write(`${line}\n`),
    /** Waits for the terminal question (it ends with `[CODE/N]: `) and types its code. */
    confirm: async () => {
      const question = await new Promise((resolve) => waiters.push({ text: '/N]: ', from: stdout.length, resolve }));
      const code = question.match(/Run them\? Type (\w+) and Enter/)?.[1];
      if (!code) throw new Error(`no code in the question: ${question}`);
      child.stdin.write(`${code}\n`);
      return question;
    },
    /** Everything the probe printed so far. */
    output: () => stdout,
    log: () => stderr,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.on('exit', resolve);
      child.kill('SIGINT');
    }),
  };
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' };

/**
 * Serves the built app as the hosted page beside the docs would: plain static files on their own
 * loopback origin, without the probe (and so without its Content-Security-Policy).
 */
export async function startStaticHost(dir = `${root}dist`, routes = {}) {
  const held = [];
  const server = createServer((req, res) => {
    // A route of the test's own answers that path instead of the file there.
    const route = routes[new URL(req.url, 'http://x').pathname];
    if (route) {
      held.push(res.socket);
      route(req, res);
      return;
    }
    const path = normalize(`${dir}/${decodeURIComponent(new URL(req.url, 'http://x').pathname)}`);
    const file = path.startsWith(dir) && existsSync(path) && statSync(path).isDirectory() ? `${path}/index.html` : path;
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    stop: () => new Promise((r) => { held.forEach((s) => s.destroy()); server.close(r); }),
  };
}

/** Goes to a step of the questionnaire and waits for it (and for the engine, on the later steps). */
export async function step(page, label) {
  await page.getByRole('navigation', { name: 'Questionnaire steps' }).getByRole('button', { name: new RegExp(`\\d+\\. ${label}$`) }).click();
  await page.locator(`section[aria-label="Step: ${label}"]`).waitFor();
  // The checklist and ticket steps show once the engine's module has loaded.
  await page.locator('#engine-loading').waitFor({ state: 'detached' });
}

/** Opens the app at `url` with nothing saved. */
export async function fresh(page, url) {
  await page.goto(url);
  await page.evaluate(() => localStorage.clear());
  await page.goto(url);
  await page.locator('#questionnaire[data-ready]').waitFor();
}

/**
 * Opens a fresh browser profile and records everything the page logs, so a failing test can show
 * the browser's own account of what went wrong.
 */
export async function openBrowser({ args = [] } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...args],
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = [];
  page.on('console', (msg) => log.push(`[console.${msg.type()}] ${msg.text()}`));
  page.on('pageerror', (err) => log.push(`[pageerror] ${err.message}`));
  page.on('requestfailed', (req) => log.push(`[requestfailed] ${req.url()} ${req.failure()?.errorText}`));
  return { browser, page, log };
}

/** Runs `body`, and on failure rethrows with the browser log and a screenshot path attached. */
export async function withBrowserLog({ page, log }, name, body) {
  try {
    await body();
  } catch (err) {
    mkdirSync(artifacts, { recursive: true });
    const shot = `${artifacts}/${name}-failure.png`;
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    err.message += `\n--- browser log ---\n${log.join('\n') || '(empty)'}\n--- screenshot: ${shot}`;
    throw err;
  }
}

export function consoleErrors(log) {
  return log.filter((line) => /^\[(console\.error|pageerror|requestfailed)\]/.test(line));
}

/**
 * Runs axe-core (from npm) on the page as it is; any violation fails with its rule and nodes.
 * Evaluated through the DevTools protocol: the probe's Content-Security-Policy refuses an added
 * script tag, as it should.
 */
export async function axe(page, name) {
  await page.evaluate(readFileSync(`${root}node_modules/axe-core/axe.min.js`, 'utf8'));
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const violations = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
  assert.deepEqual(violations, [], `axe violations on ${name}`);
}
