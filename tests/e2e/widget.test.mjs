// The embeddable widget: a portal page on another loopback origin includes public/widget.js and
// mounts the checker with initial answers and a theme; events reach the portal, the portal can
// change theme and answers, and messages from anywhere else are ignored on both sides.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { openBrowser, startStaticHost, withBrowserLog } from './harness.mjs';

// The widget embeds the hosted app; the probe's own page refuses to be framed (its CSP).
let hosted;
let portal;
let session;

/** The portal: its own origin (another port), the widget script from the app's origin. */
function portalPage(appUrl) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Support portal</title></head>
<body>
  <h1>Support portal</h1>
  <div id="slot" style="height: 900px"></div>
  <script src="${appUrl}public/widget.js"></script>
  <script>
    window.events = [];
    window.foreign = [];
    const widget = PalettePortcheck.mount(document.getElementById('slot'), {
      answers: { infrastructure: ['vsphere'], endpoints: { 'infrastructure-api': 'vcenter.corp.example' } },
      theme: 'dark',
    });
    widget.addEventListener('portcheck-answers', (e) => events.push({ type: 'answers', detail: e.detail }));
    widget.addEventListener('portcheck-ticket', (e) => events.push({ type: 'ticket', detail: e.detail }));
  </script>
</body></html>`;
}

before(async () => {
  hosted = await startStaticHost();
  portal = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(portalPage(hosted.url));
  });
  await new Promise((resolve) => portal.listen(0, '127.0.0.1', resolve));
  session = await openBrowser();
});

after(async () => {
  await session?.browser.close();
  portal?.close();
  await hosted?.stop();
});

const portalUrl = () => `http://localhost:${portal.address().port}/`;
const appFrame = (page) => page.frames().find((f) => f.url().startsWith(hosted.url));
const events = (page, type) => page.evaluate((t) => window.events.filter((e) => e.type === t), type);

async function until(check, what) {
  for (let i = 0; i < 100; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('the portal mounts the checker with answers and theme, and hears what happens', async () => {
  await withBrowserLog(session, 'widget', async () => {
    const { page } = session;
    await page.goto(portalUrl());
    const frame = page.frameLocator('palette-portcheck iframe');
    // The initial answers open the checklist: vSphere means a PCG.
    await frame.locator('[data-flow-id="pcg-infra-api"]').waitFor({ timeout: 15_000 });
    assert.match(await frame.locator('[data-flow-id="pcg-infra-api"] .flow-to').textContent(), /vcenter\.corp\.example/);
    const app = appFrame(page);
    assert.equal(await app.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.equal(await app.evaluate(() => getComputedStyle(document.body).backgroundColor), 'oklch(0.208 0.042 265.755)');

    // Answers changed in the widget reach the portal as DOM events.
    await until(async () => (await events(page, 'answers')).length > 0, 'the first answers event');
    await frame.getByRole('button', { name: /\d+\. Deployment$/ }).click();
    await frame.getByText('Self-hosted Palette', { exact: true }).click();
    await until(async () => (await events(page, 'answers')).some((e) => e.detail.answers.deployment === 'self-hosted-palette'), 'answers after a change');

    // A ticket copied in the widget reaches the portal with its text.
    await frame.getByRole('button', { name: /\d+\. Ticket$/ }).click();
    await frame.locator('#ticket-copy').click();
    await until(async () => (await events(page, 'ticket')).length === 1, 'the ticket event');
    const [ticket] = await events(page, 'ticket');
    assert.equal(ticket.detail.format, 'markdown');
    assert.equal(ticket.detail.file, 'palette-firewall-ticket.md');
    assert.match(ticket.detail.text, /^# Network access for Spectro Cloud Palette \(Self-hosted Palette/);

    // The portal changes theme and answers.
    await page.evaluate(() => document.querySelector('palette-portcheck').setAttribute('theme', 'light'));
    await until(async () => (await app.evaluate(() => document.documentElement.dataset.theme)) === 'light', 'the light theme');
    await page.evaluate(() => document.querySelector('palette-portcheck').setAnswers({ infrastructure: ['aws'] }));
    await until(async () => (await events(page, 'answers')).some((e) => e.detail.answers.infrastructure[0] === 'aws'), 'answers set by the portal');
  });
});

test('messages from other origins or windows are ignored on both sides', async () => {
  await withBrowserLog(session, 'widget-origins', async () => {
    const { page } = session;
    await page.goto(portalUrl());
    const frame = page.frameLocator('palette-portcheck iframe');
    await frame.locator('[data-flow-id="pcg-infra-api"]').waitFor({ timeout: 15_000 });
    const app = appFrame(page);

    // Not from the parent window: the app's own window posting to itself changes nothing.
    await app.evaluate(() => window.postMessage({ source: 'palette-portcheck-host', v: 1, type: 'theme', theme: 'light' }, '*'));
    // The portal's own page pretending to be the app: the widget raises no event.
    const before = (await events(page, 'answers')).length;
    await page.evaluate(() => window.postMessage({ source: 'palette-portcheck', v: 1, type: 'answers', answers: { deployment: 'forged' } }, '*'));
    // An app page told to report to another origin: the browser does not deliver to this page.
    await page.evaluate((appUrl) => {
      window.addEventListener('message', (e) => { if (e.data?.source === 'palette-portcheck' && e.source !== document.querySelector('palette-portcheck iframe').contentWindow) window.foreign.push(e.origin); });
      const spy = document.createElement('iframe');
      spy.src = `${appUrl}?embed=http://evil.example&theme=dark#a=v1.e30`;
      document.body.appendChild(spy);
    }, hosted.url);
    await page.waitForTimeout(1500);
    assert.equal(await app.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.equal((await events(page, 'answers')).length, before);
    assert.ok((await events(page, 'answers')).every((e) => e.detail.answers.deployment !== 'forged'));
    assert.deepEqual(await page.evaluate(() => window.foreign), []);
  });
});
