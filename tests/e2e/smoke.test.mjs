// Smoke test of the built app: it must render from wasm and react to a click.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { artifacts, consoleErrors, openBrowser, startProbe, withBrowserLog } from './harness.mjs';

let probe;
let session;

before(async () => {
  probe = await startProbe();
  session = await openBrowser();
});

after(async () => {
  await session?.browser.close();
  await probe?.stop();
});

test('the first questionnaire screen comes from wasm, not from static HTML', async () => {
  const response = await fetch(probe.url);
  const html = await response.text();
  assert.doesNotMatch(html, /How is Palette deployed/, 'the question must not be in the static page');
  // The app must run under the probe's policy: no inline script but Trunk's hashed loader, no eval.
  const policy = response.headers.get('content-security-policy');
  assert.match(policy, /^default-src 'none'; script-src 'self' 'sha256-[A-Za-z0-9+/]+=' 'wasm-unsafe-eval';/);

  await withBrowserLog(session, 'smoke-render', async () => {
    const { page } = session;
    await page.goto(probe.url);
    await page.getByRole('group', { name: 'How is Palette deployed?' }).waitFor({ timeout: 15_000 });
    const wasmLoaded = await page.evaluate(() =>
      performance.getEntriesByType('resource').some((entry) => entry.name.endsWith('.wasm')),
    );
    assert.ok(wasmLoaded, 'the page fetched its .wasm module');
    assert.equal(await page.getByRole('radio').count(), 4);
    assert.ok(await page.getByRole('radio', { name: /Multi-tenant SaaS/ }).isChecked(), 'SaaS is the default');
  });
});

test('choosing a deployment model changes the page', async () => {
  await withBrowserLog(session, 'smoke-click', async () => {
    const { page, log } = session;
    const nav = page.getByRole('navigation', { name: 'Questionnaire steps' });
    assert.equal(await nav.getByRole('button', { name: /Self-hosted/ }).count(), 0, 'no self-hosted step for SaaS');

    await page.getByText('Self-hosted Palette', { exact: true }).click();
    assert.ok(await page.getByRole('radio', { name: /^Self-hosted Palette You install/ }).isChecked());
    await nav.getByRole('button', { name: /Self-hosted/ }).waitFor();

    // Keyboard: arrow keys move within the radio group.
    await page.keyboard.press('ArrowDown');
    assert.ok(await page.getByRole('radio', { name: /VerteX/ }).isChecked());

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: `${artifacts}/smoke-first-screen.png`, fullPage: true });
    assert.deepEqual(consoleErrors(log), [], 'the browser logged no errors');
  });
});

test('the engine is fetched only when a checklist is wanted, and a failed fetch can be retried', async () => {
  const context = await session.browser.newContext();
  const page = await context.newPage();
  try {
    const part = /\/split_[^/]+\.wasm$/;
    const fetched = [];
    page.on('request', (request) => part.test(request.url()) && fetched.push(request.url()));
    // Answers saved by an earlier visit (nothing is pre-ticked: AWS is this user's answer).
    await page.goto(probe.url);
    await page.evaluate(() => localStorage.setItem('palette-portcheck.answers.v1', JSON.stringify({ infrastructure: ['aws'] })));
    fetched.length = 0;
    await page.reload();
    await page.getByRole('group', { name: 'How is Palette deployed?' }).waitFor({ timeout: 15_000 });
    assert.deepEqual(fetched, [], 'the first question needs no engine');

    await page.route(part, (route) => route.abort('internetdisconnected'));
    await page.click('#download-checklist');
    await page.locator('#notice', { hasText: 'could not be downloaded' }).waitFor();
    assert.equal(fetched.length, 1, 'the download asked for the engine');
    await page.click('#see-checklist');
    const failure = page.getByRole('alert').filter({ hasText: 'could not be downloaded' });
    await failure.waitFor();
    assert.equal(fetched.length, 2, 'the checklist asked for it again');

    await page.unroute(part);
    await failure.getByRole('button', { name: 'Try again' }).click();
    await page.locator('#checklist-title').waitFor();
    assert.equal(fetched.length, 3, 'the retry fetched it again');
    assert.ok(await page.locator('[data-flow-id="admin-palette-ui"]').count(), 'the checklist has its flows');
  } finally {
    await context.close();
  }
});

test('the rule base travels in the part fetched on demand, not in the first module', () => {
  const dist = new URL('../../dist/', import.meta.url);
  const first = readFileSync(new URL('index.html', dist), 'utf8').match(/module_or_path: '\/([^']+\.wasm)'/)[1];
  const parts = readdirSync(dist).filter((f) => /^split_.*\.wasm$/.test(f));
  assert.equal(parts.length, 1, `one part: ${parts}`);
  // A finding's text is embedded verbatim with the rule base (rules/src/catalog.rs).
  const findings = JSON.parse(readFileSync(new URL('../../rules/data/findings.json', import.meta.url), 'utf8'));
  const text = findings[0].text;
  assert.ok(readFileSync(new URL(parts[0], dist)).includes(text), 'the part holds the rule base');
  assert.ok(!readFileSync(new URL(first, dist)).includes(text), 'the first module does not');
});
