// The offline single-file bundle (make offline): opened from file:// with the network switched
// off it loads nothing but itself and works; then, paired with a probe started with
// --allow-origin null, it runs a live check.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { consoleErrors, openBrowser, startProbe, withBrowserLog } from './harness.mjs';
import { liveAnswers, probeArgs, startServers } from './servers.mjs';

const bundle = new URL('../../dist-offline/palette-portcheck.html', import.meta.url);
let servers;
let session;

before(async () => {
  assert.ok(existsSync(bundle), `${bundle.pathname} is missing: run make offline`);
  servers = await startServers();
  session = await openBrowser();
});

after(async () => {
  await session?.browser.close();
  servers?.close();
});

test('the bundle works from file:// with no network, then live-checks through a probe', async () => {
  const { page } = session;
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await withBrowserLog(session, 'offline', async () => {
    await page.context().setOffline(true);
    await page.goto(bundle.href);
    await page.getByRole('group', { name: 'How is Palette deployed?' }).waitFor({ timeout: 15_000 });
    assert.deepEqual(requests, [bundle.href], 'one file, no fetches of modules, wasm or styles');
    // It runs under its own policy: nothing but its hashed script and style, sockets only.
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(policy, /^default-src 'none'; script-src 'sha256-[^']+' 'wasm-unsafe-eval'; style-src 'sha256-[^']+';/);
    assert.deepEqual(consoleErrors(session.log), [], 'no policy violations, no errors');
    // Saved state works from file:// too: the answers survive a reload.
    await page.evaluate((a) => localStorage.setItem('palette-portcheck.answers.v1', JSON.stringify(a)),
      liveAnswers(servers, servers.valid.port));
    await page.reload();
    await page.getByRole('button', { name: /\d+\. Checklist$/ }).click();
    await page.locator('[data-flow-id="pcg-infra-api"]').waitFor();
    assert.ok(requests.every((url) => url === bundle.href), `the engine came from the file too: ${requests}`);
    // The picture's PNG is drawn in the page: from file://, offline, under the bundle's policy.
    const [png] = await Promise.all([page.waitForEvent('download'), page.locator('#topology-png').click()]);
    assert.equal(png.suggestedFilename(), 'palette-topology.png');
    assert.deepEqual([...readFileSync(await png.path()).subarray(1, 4)], [80, 78, 71], 'a PNG file');
    assert.equal(await page.locator('#topology-export-status').textContent(), '');
    // Reports import from file:// too (#17 point 3): read in the page, nothing fetched.
    await page.setInputFiles('#fleet-files', {
      name: 'dc1.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ schema: 1, from: 'pcg', results: [{ id: 'pcg-infra-api@x:443', flow: 'pcg-infra-api', verdict: 'fail', summary: 'refused' }] })),
    });
    await page.locator('#fleet-caption', { hasText: /^1 reports, 1 flows, 1 failing somewhere/ }).waitFor();
    await page.context().setOffline(false);

    const probe = await startProbe({ args: ['--allow-origin', 'null', ...probeArgs(servers, 3)] });
    try {
      assert.match(await page.locator('#live-file-origin').textContent(), /portcheck serve --allow-origin null/);
      // The file cannot carry the probe's binaries: it says where they are (#18).
      await page.locator('#get-probe summary').click();
      assert.match(await page.locator('#get-probe-missing').textContent(), /too large to inline\): take them from the probe\/ folder beside the hosted page/);
      await page.locator('#live-link').fill(`${probe.url}#t=${probe.token}`);
      await page.locator('#live-pair').click();
      const asked = probe.confirm();
      await page.locator('#live-run').click();
      assert.match(await asked, /The page at null asks this probe to run 8 checks/);
      await page.locator('#live-status', { hasText: /^Done: 8 checks ran/ }).waitFor({ timeout: 20_000 });
      assert.equal(
        await page.locator('[data-flow-id="pcg-infra-api"] .live-verdict').getAttribute('data-verdict'),
        'passed',
        'vCenter (a real TLS server with a test-CA certificate) passes',
      );
      assert.match(probe.log(), /event="handshake" accepted=true origin=null/);

      // The other way to pair: the fragment the probe prints for pages it does not serve.
      const fragment = probe.output().match(/add (#probe=\S+&t=\S+) to its address/)[1];
      await page.goto(`${bundle.href}${fragment}`);
      await page.locator('#questionnaire[data-ready]').waitFor();
      assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar once read');
      await page.getByRole('button', { name: /\d+\. Checklist$/ }).click();
      assert.match(await page.locator('#live-paired').textContent(), new RegExp(probe.url.replace(/\/$/, '')));
    } finally {
      await probe.stop();
    }
  });
});

test('a browser without DecompressionStream is told why the offline file cannot start', async () => {
  const context = await session.browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(() => { delete window.DecompressionStream; });
    await page.goto(bundle.href);
    await page.getByRole('alert').filter({ hasText: 'needs DecompressionStream' }).waitFor({ timeout: 5_000 });
    assert.equal(await page.getByRole('group', { name: 'How is Palette deployed?' }).count(), 0);
  } finally {
    await context.close();
  }
});
