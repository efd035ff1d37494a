// Reports from many places imported into the checklist (#17 point 3): real reports of
// `portcheck check --site` (one place passes, one is refused), chosen with the file picker and
// dropped on the page, with a damaged file among them; the matrix, the topology coloured by the
// worst place, and the places' failures requested as ticket rules with their evidence.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import { artifacts, axe, openBrowser, startProbe, step, withBrowserLog } from './harness.mjs';

const root = new URL('../../', import.meta.url).pathname;
const bin = process.env.PORTCHECK_BIN ?? `${root}target/debug/portcheck`;
const dir = mkdtempSync(`${tmpdir()}/portcheck-fleet-`);

let probe;
let session;
let listener;

before(async () => {
  probe = await startProbe();
  session = await openBrowser();
  listener = createServer((socket) => socket.on('error', () => {}));
  await new Promise((resolve) => listener.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  await session?.browser.close();
  await probe?.stop();
  listener?.close();
});

async function closedPort() {
  const s = createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** A real report: `portcheck check --format json --site SITE` of checks to these ports. */
function report(site, ports) {
  const checks = Object.entries(ports).map(([flow, port]) => ({
    id: `${flow}@127.0.0.1:${port}`, flow, host: '127.0.0.1', port, kind: 'tcp', 'via-proxy': false, purpose: 'test',
  }));
  const plan = `${dir}/plan-${site}.json`;
  writeFileSync(plan, JSON.stringify({ schema: 2, from: 'pcg', 'palette-version': '4.7.9', checks }));
  const args = ['check', '--format', 'json', '--timeout', '3', '--site', site, '--plan', plan];
  for (const port of Object.values(ports)) args.push('--allow-port', String(port));
  const out = spawnSync(bin, args, { encoding: 'utf8' });
  const file = `${dir}/${site}.json`;
  writeFileSync(file, out.stdout);
  JSON.parse(out.stdout);
  return file;
}

test('reports from many places show where each flow fails, colour the topology and go into the ticket', async () => {
  await withBrowserLog(session, 'fleet', async () => {
    const { page } = session;
    const open = listener.address().port;
    const closed = await closedPort();
    const dc1 = report('dc1', { 'pcg-infra-api': open, 'pcg-palette': open });
    const dc2 = report('dc2', { 'pcg-infra-api': closed, 'pcg-palette': open });
    const dc3 = report('dc3', { 'pcg-infra-api': open });
    const damaged = `${dir}/damaged.json`;
    writeFileSync(damaged, '{"schema": 2, "from": "pcg", "results": [ oops');

    const answers = readFileSync(`${root}rules/examples/saas-vsphere-pcg.json`);
    await page.goto('about:blank');
    await page.goto(`${probe.url}#a=v1.${answers.toString('base64url')}`);
    await page.locator('#questionnaire[data-ready]').waitFor();
    await step(page, 'Checklist');
    await page.setInputFiles('#fleet-files', [dc1, dc2, damaged]);
    await page.locator('#fleet-matrix').waitFor();
    assert.match(await page.locator('#fleet-caption').textContent(), /^2 reports, 2 flows, 1 failing somewhere/);
    const heads = await page.locator('#fleet-matrix thead th').allTextContents();
    assert.deepEqual(heads, ['Flow', 'Needed', 'dc1', 'dc2']);
    const cells = await page.locator('[data-fleet-flow="pcg-infra-api"] td[data-verdict]').evaluateAll((tds) => tds.map((t) => t.dataset.verdict));
    assert.deepEqual(cells, ['pass', 'fail']);
    assert.match(await page.locator('#fleet-problems').textContent(), /damaged\.json: line 1: not JSON/);
    assert.match(await page.locator('#fleet-why').textContent(), /FAIL pcg-infra-api at dc2: .*refused/);
    // The topology: the refused place colours the arrow.
    assert.equal(await page.locator('.topology-edge[data-from="pcg"][data-to="infra-api"]').getAttribute('data-status'), 'failed');

    // A third report dropped on the page joins the others.
    await page.evaluate(([name, text]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], name, { type: 'application/json' }));
      document.getElementById('fleet-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, ['dc3.json', readFileSync(dc3, 'utf8')]);
    await page.locator('#fleet-caption', { hasText: /^3 reports/ }).waitFor();
    await page.screenshot({ path: `${artifacts}/fleet.png`, fullPage: true });
    await axe(page, 'checklist with imported reports and a damaged file');

    await page.locator('#fleet-request', { hasText: 'add the 1 flows that failed somewhere' }).click();
    await page.locator('section[aria-label="Step: Ticket"]').waitFor();
    const ticket = await page.locator('#ticket-preview').inputValue();
    assert.match(ticket, /## Evidence from live checks/);
    assert.match(ticket, /\(`pcg-infra-api`\): live check from Private Cloud Gateway nodes at dc2 \([^)]*\) on \d{4}-\d\d-\d\d \d\d:\d\d UTC failed: 127\.0\.0\.1:\d+: .*refused/);
    assert.doesNotMatch(ticket, /at dc1 /, 'a place where the flow passed is no evidence');
  });
});

test('hostile text in an imported report is shown as text, and forgetting the reports takes their colours away', async () => {
  await withBrowserLog(session, 'fleet-hostile', async () => {
    const { page } = session;
    const forged = JSON.stringify({
      schema: 2, from: 'pcg',
      vantage: { site: 'dc1<img src=x onerror="window.__pwned=1">\u202eevil', 'host-name': 'h\u001b[2J', addresses: [],
        'probe-version': '0', 'plan-digest': 'sha256:0', started: '', finished: '' },
      results: [{ id: 'pcg-infra-api@x:443', flow: 'pcg-infra-api', verdict: 'fail',
        summary: 'no\u001b]0;pwned\u0007', cause: '<script>window.__pwned=2</script>' }],
    });
    const answers = readFileSync(`${root}rules/examples/saas-vsphere-pcg.json`);
    await page.goto('about:blank');
    await page.goto(`${probe.url}#a=v1.${answers.toString('base64url')}`);
    await page.locator('#questionnaire[data-ready]').waitFor();
    await step(page, 'Checklist');
    await page.setInputFiles('#fleet-files', { name: 'forged\u202e.json', mimeType: 'application/json', buffer: Buffer.from(forged) });
    await page.locator('#fleet-matrix').waitFor();
    const shown = await page.evaluate(() => ({
      markup: document.querySelectorAll('#fleet img, #fleet script').length,
      pwned: window.__pwned ?? null,
      text: document.getElementById('fleet').textContent,
    }));
    assert.equal(shown.markup, 0, 'no element from a report');
    assert.equal(shown.pwned, null, 'no script from a report ran');
    assert.ok(!/[\u001b\u0007\u202e]/.test(shown.text), `escapes and bidi controls are escaped: ${JSON.stringify(shown.text)}`);
    assert.match(shown.text, /dc1<img src=x/, 'the text itself is shown');
    const edge = page.locator('.topology-edge[data-from="pcg"][data-to="infra-api"]');
    assert.equal(await edge.getAttribute('data-status'), 'failed');

    await page.locator('#fleet-clear').click();
    await page.locator('#fleet-matrix').waitFor({ state: 'detached' });
    assert.notEqual(await edge.getAttribute('data-status'), 'failed', 'the forgotten reports colour nothing');
  });
});
