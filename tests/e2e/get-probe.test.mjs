// "Get the probe" (#18): the hosted page lists the binaries make dist put beside it, the one for
// the visitor's system first, with the digests of their SHA256SUMS and the command that starts
// each for this page; what a visitor downloads is that very file. The probe's own page, which
// does not hand out the probe, says where the downloads are.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { startProbe, startStaticHost, step } from './harness.mjs';

const root = new URL('../../', import.meta.url).pathname;
const sumsFile = `${root}dist/probe/SHA256SUMS`;
const answers = JSON.parse(readFileSync(`${root}rules/examples/saas-vsphere-pcg.json`, 'utf8'));
const SYSTEMS = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'portcheck-x86_64-windows.exe'],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'portcheck-x86_64-linux'],
  ['Mozilla/5.0 (X11; Linux aarch64; rv:128.0) Gecko/20100101 Firefox/128.0', 'portcheck-aarch64-linux'],
];
let browser;
let host;

before(async () => {
  assert.ok(existsSync(sumsFile), `${sumsFile} is missing: run make dist`);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  host = await startStaticHost();
});

after(async () => {
  await browser?.close();
  await host?.stop();
});

/** A page of `url` for a visitor with this user agent, on the Checklist step of the example. */
async function checklistFor(url, userAgent) {
  const context = await browser.newContext({ userAgent, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(url);
  await page.evaluate((a) => localStorage.setItem('palette-portcheck.answers.v1', JSON.stringify(a)), answers);
  await page.goto(url);
  await page.locator('#questionnaire[data-ready]').waitFor();
  await step(page, 'Checklist');
  return { context, page };
}

test('the hosted page offers the probe for the visitor\'s system first, with make dist\'s digests', async () => {
  const sums = Object.fromEntries(readFileSync(sumsFile, 'utf8').trim().split('\n').map((l) => l.split(/\s+\*?/).reverse()));
  const origin = host.url.replace(/\/$/, '');
  for (const [userAgent, first] of SYSTEMS) {
    const { context, page } = await checklistFor(host.url, userAgent);
    try {
      // Keyboard: the disclosure opens with Enter.
      await page.locator('#get-probe summary').focus();
      await page.keyboard.press('Enter');
      const items = page.locator('#get-probe-list li');
      await items.first().waitFor();
      const platforms = await items.evaluateAll((lis) => lis.map((li) => li.dataset.platform));
      assert.equal(platforms[0], first, `${userAgent}: ${platforms}`);
      assert.deepEqual([...platforms].sort(), ['portcheck-aarch64-linux', 'portcheck-oci.tar', 'portcheck-x86_64-linux', 'portcheck-x86_64-windows.exe']);
      const firstItem = items.first();
      assert.match(await firstItem.textContent(), /\(for this system\)/);
      assert.match(await firstItem.textContent(), new RegExp(`SHA-256 ${sums[first]}`));
      assert.match(await firstItem.locator('code').textContent(), new RegExp(`${first.replace('.', '\\.')} serve --allow-origin ${origin}$`));
      if (first === 'portcheck-x86_64-linux') {
        // What downloads is the file the sums name.
        const [download] = await Promise.all([page.waitForEvent('download'), firstItem.locator('a').click()]);
        assert.equal(download.suggestedFilename(), first);
        const digest = createHash('sha256').update(readFileSync(await download.path())).digest('hex');
        assert.equal(digest, sums[first]);
      }
    } finally {
      await context.close();
    }
  }
});

test('the probe\'s own page does not hand out the probe, and says where it is', async () => {
  const probe = await startProbe();
  try {
    const { context, page } = await checklistFor(probe.url, SYSTEMS[1][0]);
    try {
      await page.locator('#get-probe summary').click();
      await page.locator('#get-probe-missing', { hasText: 'probe/ folder beside the hosted page' }).waitFor();
      assert.equal(await page.locator('#get-probe-list').count(), 0);
    } finally {
      await context.close();
    }
  } finally {
    await probe.stop();
  }
});

test('a damaged SHA256SUMS beside the page offers nothing and says so, its text shown inert', async () => {
  // The hosted app as it is, with a probe/ folder whose SHA256SUMS was cut short and carries
  // markup, an escape sequence and a bidi override where a digest should be.
  const dir = mkdtempSync(`${tmpdir()}/portcheck-damaged-sums-`);
  for (const entry of readdirSync(`${root}dist`).filter((e) => e !== 'probe')) {
    symlinkSync(`${root}dist/${entry}`, `${dir}/${entry}`);
  }
  mkdirSync(`${dir}/probe`);
  const first = readFileSync(sumsFile, 'utf8').split('\n')[0];
  writeFileSync(`${dir}/probe/SHA256SUMS`, `${first}\n<img src=x onerror=alert(1)>\u001b[31m\u202e  portcheck-x86_64-linux\n`);
  const damaged = await startStaticHost(dir);
  const { context, page } = await checklistFor(damaged.url, SYSTEMS[1][0]);
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  try {
    await page.locator('#get-probe summary').click();
    const why = page.locator('#get-probe-missing', { hasText: 'SHA256SUMS beside this page is damaged' });
    await why.waitFor();
    assert.match(await why.textContent(), /not a SHA-256 digest: <img src=x onerror=alert\(1\)>/);
    assert.doesNotMatch(await why.textContent(), /[\u001b\u202e]/, 'control and bidi characters are not shown raw');
    assert.equal(await page.locator('#get-probe-list').count(), 0, 'no download is offered from a damaged list');
    assert.equal(await page.locator('#get-probe img').count(), 0);
    assert.deepEqual(dialogs, []);
  } finally {
    await context.close();
    await damaged.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a host that sends the list\'s headers and then stalls is given up on, and asked again at the next opening', async () => {
  let requests = 0;
  const stalling = await startStaticHost(undefined, {
    '/probe/SHA256SUMS': (req, res) => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('0'.repeat(64));
    },
  });
  const { context, page } = await checklistFor(stalling.url, SYSTEMS[1][0]);
  try {
    const started = Date.now();
    await page.locator('#get-probe summary').click();
    await page.locator('#get-probe-missing', { hasText: 'did not arrive in time: close and open this section to try again' }).waitFor({ timeout: 15_000 });
    assert.ok(Date.now() - started >= 4_500, 'not before the deadline');
    assert.equal(await page.locator('#get-probe-list').count(), 0);
    await page.locator('#get-probe summary').click();
    await page.locator('#get-probe summary').click();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(requests, 2, 'opened again, asked again');
  } finally {
    await context.close();
    await stalling.stop();
  }
});
