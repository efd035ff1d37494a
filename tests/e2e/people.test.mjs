// The app as people really use it (#16 points 4 to 8): what they type never reaches storage or
// a share link when it is a secret, the share link follows the answers, copying works (or says
// so) on a plain-http page, a blocked checklist leads to the field to fix, and the topology reads
// in dark mode on a phone.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { artifacts, axe, consoleErrors, fresh as freshPage, openBrowser, startProbe, startStaticHost, step, withBrowserLog } from './harness.mjs';

let probe;
let session;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  probe = await startProbe();
  session = await openBrowser();
});

after(async () => {
  await session?.browser.close();
  await probe?.stop();
});

const fresh = (page, url = probe.url) => freshPage(page, url);

/** The answers a share link carries, decoded as the app encodes them (base64url JSON). */
function linkAnswers(link) {
  const encoded = link.split('#a=v1.')[1];
  return Buffer.from(encoded, 'base64url').toString('utf8');
}

test('a password typed into the proxy URL is never saved or shared (#16 point 4)', async () => {
  await withBrowserLog(session, 'people-secrets', async () => {
    const { page } = session;
    await fresh(page);
    await step(page, 'Infrastructure');
    await page.check('#infrastructure-vsphere');
    await step(page, 'Proxy');
    await page.check('#proxy-connect');
    await page.locator('#proxy-url').pressSequentially('http://alice:s3cret@proxy.corp.example:3128');
    await page.locator('#proxy-url-error', { hasText: 'leave credentials out' }).waitFor();
    const stored = await page.evaluate(() => JSON.stringify(localStorage));
    assert.doesNotMatch(stored, /s3cret|alice/, 'nothing secret in localStorage');
    assert.match(stored, /http:\/\/proxy\.corp\.example:3128/, 'the rest of the address is kept');
    await page.locator('#share').click();
    const link = await page.locator('#share-link').inputValue();
    assert.doesNotMatch(linkAnswers(link), /s3cret|alice/, 'nothing secret in the share link');
    await page.reload();
    await step(page, 'Proxy');
    assert.equal(await page.inputValue('#proxy-url'), 'http://proxy.corp.example:3128');
  });
});

test('the share-link field follows the answers (#16 point 5)', async () => {
  await withBrowserLog(session, 'people-share-link', async () => {
    const { page } = session;
    await fresh(page);
    await page.locator('#share').click();
    const first = await page.locator('#share-link').inputValue();
    await page.locator('#share-link-status', { hasText: /^Share link \((copied|This browser did not let the page copy)/ }).waitFor();
    await step(page, 'Addresses');
    await page.check('#ssh-access');
    const second = await page.locator('#share-link').inputValue();
    assert.notEqual(second, first, 'the field shows the link of the answers now');
    assert.match(linkAnswers(second), /"ssh-access":true/);
    assert.match(await page.locator('#share-link-status').textContent(), /answers changed since you copied it/);
  });
});

test('copying on a plain-http page copies or says how, and never throws (#16 point 6)', async () => {
  const host = await startStaticHost();
  const port = new URL(host.url).port;
  // Not loopback, so not a secure context: navigator.clipboard does not exist there.
  const insecure = await openBrowser({ args: ['--host-resolver-rules=MAP portcheck.insecure.test 127.0.0.1'] });
  try {
    await withBrowserLog(insecure, 'people-clipboard', async () => {
      const { page, log } = insecure;
      const url = `http://portcheck.insecure.test:${port}/`;
      await fresh(page, url);
      assert.equal(await page.evaluate(() => window.isSecureContext), false);
      assert.equal(await page.evaluate(() => typeof navigator.clipboard), 'undefined');
      await step(page, 'Infrastructure');
      await page.check('#infrastructure-aws');
      await step(page, 'Ticket');
      await page.locator('#ticket-preview').waitFor();
      await page.locator('#ticket-copy').click();
      const status = page.locator('#ticket-status');
      await status.getByText(/^(Copied to the clipboard\.|This browser did not let the page copy: select the text)/).waitFor();
      await page.locator('#share').click();
      await page.locator('#share-link-status', { hasText: /^Share link \((copied|This browser did not let the page copy)/ }).waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'share', 'focus stays on the button');
      assert.deepEqual(consoleErrors(log), []);
    });
  } finally {
    await insecure.browser.close();
    await host.stop();
  }
});

test('a blocked checklist names the fields and leads to them; the ticket cannot be copied (#16 point 7)', async () => {
  await withBrowserLog(session, 'people-blocked', async () => {
    const { page } = session;
    await fresh(page);
    await step(page, 'Addresses');
    await page.locator('#endpoint-admin').pressSequentially('10.1.0.0/24');
    await page.locator('#endpoint-admin').press('Enter');
    await page.locator('#endpoint-admin').pressSequentially('10.0.0.0/33');
    await step(page, 'Checklist');
    const blocked = page.locator('#checklist-blocked');
    await blocked.waitFor();
    assert.doesNotMatch(await blocked.textContent(), /endpoints\./, 'no internal paths');
    const link = blocked.getByRole('link', { name: 'Admin workstations, line 2' });
    assert.match(await blocked.textContent(), /Admin workstations, line 2 \(Addresses step\): '10\.0\.0\.0\/33'/);

    await step(page, 'Ticket');
    assert.equal(await page.locator('#ticket-copy').isDisabled(), true);
    assert.equal(await page.locator('#ticket-download').isDisabled(), true);
    await page.locator('#checklist-blocked').waitFor();

    await step(page, 'Checklist');
    await link.focus();
    await page.keyboard.press('Enter');
    await page.locator('section[aria-label="Step: Addresses"]').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'endpoint-admin');
  });
});

test('the topology reads in dark mode and its scroll box takes the keyboard at 390 px (#16 point 8)', async () => {
  const context = await session.browser.newContext({ colorScheme: 'dark', viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  try {
    await fresh(page);
    await step(page, 'Infrastructure');
    await page.check('#infrastructure-vsphere');
    await step(page, 'Checklist');
    await page.locator('#topology').waitFor();
    // Each box's label against the box behind it: WCAG contrast of at least 4.5:1.
    const contrasts = await page.locator('.topology-node').evaluateAll((nodes) => {
      const luminance = (colour) => {
        const probe = document.createElement('canvas').getContext('2d');
        probe.fillStyle = colour;
        probe.fillRect(0, 0, 1, 1);
        const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
        const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
      };
      return nodes.map((n) => {
        const box = luminance(getComputedStyle(n.querySelector('rect')).fill);
        const text = luminance(getComputedStyle(n.querySelector('text')).fill);
        const [hi, lo] = box > text ? [box, text] : [text, box];
        return { role: n.dataset.role, ratio: (hi + 0.05) / (lo + 0.05) };
      });
    });
    assert.ok(contrasts.length > 2);
    for (const { role, ratio } of contrasts) assert.ok(ratio >= 4.5, `${role}: contrast ${ratio.toFixed(2)}`);
    // The picture is wider than the phone: its scroll box is reached with Tab and scrolls with
    // the arrow keys.
    const scroll = page.locator('#topology-scroll');
    assert.ok(await scroll.evaluate((e) => e.scrollWidth > e.clientWidth), 'the picture scrolls sideways');
    let reached = false;
    for (let i = 0; i < 300 && !reached; i += 1) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.id === 'topology-scroll');
    }
    assert.ok(reached, 'Tab reaches the picture');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.getElementById('topology-scroll').scrollLeft > 0);
    await axe(page, 'checklist, dark, 390 px');
    await page.screenshot({ path: `${artifacts}/topology-dark-390.png`, fullPage: true });
  } finally {
    await context.close();
  }
});

test('questions that do not apply are not asked, and examples read as examples (#16 point 10)', async () => {
  await withBrowserLog(session, 'people-smaller', async () => {
    const { page } = session;
    await fresh(page);
    // Multi-tenant SaaS uses the documented names: no Palette endpoint to type.
    await step(page, 'Addresses');
    assert.equal(await page.locator('#endpoint-palette').count(), 0);
    assert.match(await page.getAttribute('#endpoint-admin', 'placeholder'), /^e\.g\. /);
    // An air-gapped site has no internet to proxy to.
    await step(page, 'Deployment');
    await page.check('#deployment-self-hosted-palette');
    const steps = () => page.getByRole('navigation', { name: 'Questionnaire steps' }).getByRole('button').allTextContents();
    assert.ok((await steps()).some((s) => /Proxy$/.test(s)));
    await step(page, 'Self-hosted');
    await page.check('#air-gapped');
    assert.ok(await page.isChecked('#registry-airgap-support-vm'), 'air-gapped switches the registry');
    assert.ok(!(await steps()).some((s) => /Proxy$/.test(s)), 'no proxy step when air-gapped');
    await step(page, 'Addresses');
    assert.equal(await page.locator('#endpoint-palette').count(), 1, 'self-hosted asks for its address');
  });
});

test('the page says it is loading before the app arrives (#16 point 10)', async () => {
  const context = await session.browser.newContext();
  const page = await context.newPage();
  try {
    // Hold the wasm back: the page must not be blank meanwhile.
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await page.route('**/*.wasm', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(probe.url);
    assert.match(await page.locator('#app-loading').textContent(), /Loading/);
    release();
    await page.locator('#questionnaire[data-ready]').waitFor();
    assert.equal(await page.locator('#app-loading').count(), 0, 'gone once the app is there');
  } finally {
    await context.close();
  }
});

test('the checklist opens with a table that reads at a glance (#16 point 9)', async () => {
  await withBrowserLog(session, 'people-summary', async () => {
    const { page } = session;
    await fresh(page);
    // SaaS on vSphere behind an inspecting proxy, answered through the UI.
    await step(page, 'Infrastructure');
    await page.check('#infrastructure-vsphere');
    await step(page, 'Proxy');
    await page.check('#proxy-ssl-bump');
    await page.locator('#proxy-url').pressSequentially('http://squid.corp.example:3128');
    await step(page, 'Checklist');
    const table = page.locator('#checklist-summary');
    await table.waitFor();
    const box = await table.boundingBox();
    assert.ok(box.y < 600, `the table starts on the first screen (at ${box.y} px)`);
    // One row per flow to open, each with a boundary; the proxied ones say so.
    const rows = await page.locator('#checklist-summary tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ id: tr.dataset.summaryFlow, cells: [...tr.cells].map((c) => c.textContent) })));
    const open = await page.locator('[data-flow-id]').evaluateAll((c) =>
      c.filter((x) => x.querySelector('.flow-level').textContent !== 'deprecated').map((x) => x.dataset.flowId));
    assert.deepEqual(rows.map((r) => r.id).sort(), open.sort(), 'a row for every flow to open');
    assert.ok(rows.every((r) => /^(out through the proxy|out of your network|into your network|inside your network)$/.test(r.cells[4])), JSON.stringify(rows));
    assert.ok(rows.some((r) => r.cells[4] === 'out through the proxy'), 'proxied flows are marked');
    assert.deepEqual(rows.map((r) => r.cells[3]), [...rows.map((r) => r.cells[3])].sort((a, b) => (a === 'required' ? 0 : 1) - (b === 'required' ? 0 : 1)), 'required first');
    // Notes are folded; actions are not.
    assert.equal(await page.locator('#checklist-notes').getAttribute('open'), null);
    assert.ok(await page.locator('[aria-label="Actions and warnings"] [data-finding-id]').count() >= 1);
    // A row leads to its card; table only hides the cards.
    const first = rows[0].id;
    await page.locator(`#checklist-summary a[href="#flow-${first}"]`).click();
    assert.ok(await page.locator(`#flow-${first}`).isVisible());
    const tall = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.locator('#toggle-cards').click();
    assert.equal(await page.locator('#flow-cards').isVisible(), false);
    const short = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(short < tall / 2, `table only: ${short} px instead of ${tall} px`);
    await axe(page, 'checklist summary');
  });
});

test('a flow says each documentation page once, in plain words (#16 point 9)', async () => {
  await withBrowserLog(session, 'people-provenance', async () => {
    const { page } = session;
    await fresh(page);
    await step(page, 'Infrastructure');
    await page.check('#infrastructure-vsphere');
    await step(page, 'Checklist');
    const card = page.locator('[data-flow-id="workload-palette-api"]');
    await card.locator('summary').click();
    const lines = await card.locator('details li').allTextContents();
    const pages = lines.filter((l) => l.startsWith('Documented in: ')).map((l) => l.replace(/^Documented in: /, '').split(' › ')[0]);
    assert.ok(pages.length >= 2 && pages.length <= 5, `${pages.length} pages: ${lines.join(' | ')}`);
    assert.equal(new Set(pages).size, pages.length, 'each page once');
    const text = await card.textContent();
    assert.doesNotMatch(text, /\bC\d\d\b|NP-F\d|Inconsistency C/, 'no internal ids');
  });
});

/** Answers that make the engine name every field it can, a few at a time (#16 point 7). */
const BAD = 'not a host!';
const ALL_ENDPOINTS_BAD = {
  palette: BAD,
  'infrastructure-api': BAD,
  'palette-vcenter': BAD,
  installer: ['10.0.0.1', BAD],
  grpc: BAD,
  admin: ['10.0.0.1', BAD],
  'workload-nodes': ['10.0.0.1', BAD],
  'pcg-nodes': ['10.0.0.1', BAD],
  'management-plane': ['10.0.0.1', BAD],
  'edge-hosts': ['10.0.0.1', BAD],
  registries: ['10.0.0.1', BAD],
  'dns-servers': ['10.0.0.1', BAD],
  'ntp-servers': ['10.0.0.1', BAD],
};
const BROKEN_ANSWERS = [
  { 'palette-version': 'banana', infrastructure: ['vsphere', 'edge'], proxy: { kind: 'connect', url: 'ftp://proxy', 'no-proxy': [BAD] }, edge: { 'remote-shell': true }, endpoints: ALL_ENDPOINTS_BAD },
  { deployment: 'self-hosted-palette', infrastructure: ['vsphere'], registry: 'own', endpoints: ALL_ENDPOINTS_BAD },
  { infrastructure: [] },
  { infrastructure: ['vsphere'], gateway: 'system-private-gateway', 'air-gapped': true },
  { infrastructure: ['nutanix'], 'pcg-install': 'palette-cli' },
  { infrastructure: ['edge'], 'palette-version': '4.6.11', edge: { 'remote-shell': true } },
];

test('every link of a blocked checklist leads to its control, which takes the focus (#16 point 7)', async () => {
  await withBrowserLog(session, 'people-every-field', async () => {
    const { page } = session;
    const reached = new Set();
    const failures = [];
    for (const answers of BROKEN_ANSWERS) {
      await page.goto('about:blank');
      await page.goto(`${probe.url}#a=v1.${Buffer.from(JSON.stringify(answers)).toString('base64url')}`);
      await page.locator('#checklist-blocked').waitFor();
      const links = await page.locator('#checklist-blocked a').evaluateAll((as) => as.map((a) => ({ id: a.hash.slice(1), name: a.textContent })));
      assert.ok(links.length > 0, JSON.stringify(answers));
      for (const { id, name } of links) {
        await page.locator('#checklist-blocked a', { hasText: name }).first().click();
        const focused = await page.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: 3000 }).then(() => true, () => false);
        if (focused) reached.add(id);
        else failures.push(`${name} (#${id}) for ${JSON.stringify(answers).slice(0, 80)}: focus is on ${await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName)}`);
        await step(page, 'Checklist');
      }
    }
    assert.deepEqual(failures, []);
    // The choices and toggles among them: their ids are derived by their components.
    for (const id of ['palette-version', 'infrastructure-aws', 'gateway-auto', 'pcg-install-auto', 'air-gapped', 'edge-remote-shell', 'proxy-url', 'no-proxy', 'endpoint-admin', 'endpoint-pcg', 'endpoint-installer', 'endpoint-ntp']) {
      assert.ok(reached.has(id), `no error led to #${id}: reached ${[...reached].join(', ')}`);
    }
  });
});
