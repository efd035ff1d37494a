// The questionnaire end to end: three environments completed through the UI and checked against
// the engine's own output, validation, persistence, share links, accessibility and screenshots.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { artifacts, axe, consoleErrors, fresh as freshPage, openBrowser, startProbe, step, withBrowserLog } from './harness.mjs';

const root = new URL('../../', import.meta.url).pathname;
const bin = process.env.PORTCHECK_BIN ?? `${root}target/debug/portcheck`;

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

/** The engine's checklist for the same answers, from the CLI. */
function engineChecklist(answers) {
  const dir = mkdtempSync(`${tmpdir()}/portcheck-e2e-`);
  const file = `${dir}/answers.json`;
  writeFileSync(file, JSON.stringify(answers));
  return JSON.parse(execFileSync(bin, ['checklist', '--format', 'json', '--answers', file], { encoding: 'utf8' }));
}

// A flow end as the checklist prints it: typed ends (CHECKLIST.md, schema 2), a placeholder in
// angle brackets.
function hostsText(side) {
  return side.hosts.map((h) => (h.kind === 'placeholder' ? `<${h.value}>` : h.value)).join(', ');
}

function portsText(flow) {
  return flow.ports.length ? flow.ports.map((p) => `${p}/${flow.transport}`).join(', ') : flow.transport;
}

/** Every flow and finding of the engine's checklist is on the page, with the same ends and ports. */
async function assertChecklistMatches(page, answers) {
  const expected = engineChecklist(answers);
  await page.locator('#checklist-title').waitFor();
  const shown = await page.locator('[data-flow-id]').evaluateAll((cards) =>
    cards.map((c) => ({
      id: c.dataset.flowId,
      from: c.querySelector('.flow-from').textContent,
      to: c.querySelector('.flow-to').textContent,
      ports: c.querySelector('.flow-ports').textContent,
      level: c.querySelector('.flow-level').textContent,
      inconsistent: !!c.querySelector('.flow-inconsistent'),
    })),
  );
  assert.deepEqual(
    shown.map((f) => f.id).sort(),
    expected.flows.map((f) => f.id).sort(),
    'the page shows exactly the engine flows',
  );
  for (const flow of expected.flows) {
    const row = shown.find((s) => s.id === flow.id);
    assert.equal(row.from, hostsText(flow.from), `${flow.id} from`);
    assert.equal(row.to, hostsText(flow.to), `${flow.id} to`);
    assert.equal(row.ports, portsText(flow), `${flow.id} ports`);
    assert.equal(row.level, flow.level, `${flow.id} level`);
    assert.equal(row.inconsistent, (flow.decisions ?? []).length > 0, `${flow.id} inconsistency mark`);
  }
  const findings = await page.locator('[data-finding-id]').evaluateAll((f) => f.map((x) => x.dataset.findingId));
  assert.deepEqual(findings, expected.findings.map((f) => f.id), 'findings in the engine order');
  return expected;
}

const fresh = (page, url = probe.url) => freshPage(page, url);


describe('three environments through the UI', () => {
  test('defaults: nothing pre-ticked; the checklist asks for the infrastructure, then follows it (#16 point 10)', async () => {
    await withBrowserLog(session, 'env-defaults', async () => {
      const { page } = session;
      await fresh(page);
      await page.getByRole('button', { name: 'See checklist' }).click();
      const blocked = page.locator('#checklist-blocked');
      await blocked.waitFor();
      assert.match(await blocked.textContent(), /Target infrastructure \(Infrastructure step\): choose at least one target infrastructure/);
      await blocked.getByRole('link', { name: 'Target infrastructure' }).click();
      await page.locator('section[aria-label="Step: Infrastructure"]').waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'infrastructure-aws');
      assert.equal(await page.isChecked('#infrastructure-aws'), false, 'AWS is not pre-ticked');
      await page.keyboard.press('Space');
      await step(page, 'Checklist');
      await assertChecklistMatches(page, { infrastructure: ['aws'] });
      await page.screenshot({ path: `${artifacts}/env-defaults-checklist.png`, fullPage: true });
    });
  });

  test('self-hosted Palette on vSphere with the System Private Gateway', async () => {
    await withBrowserLog(session, 'env-self-hosted', async () => {
      const { page, log } = session;
      await fresh(page);
      await page.check('#deployment-self-hosted-palette');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.fill('#palette-version', '4.6.20');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.uncheck('#infrastructure-aws');
      await page.check('#infrastructure-vsphere');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.check('#gateway-system-private-gateway');
      await step(page, 'Addresses');
      await page.check('#ssh-access');
      await page.fill('#endpoint-palette', 'palette.example.com');
      await page.fill('#endpoint-admin', '10.1.0.0/24\n10.2.0.0/24');
      await page.fill('#endpoint-workload', '10.10.32.0/20');
      await page.fill('#endpoint-infrastructure', 'vcenter.example.com');
      await page.fill('#endpoint-management', '10.10.1.0/28');
      await step(page, 'Checklist');
      const checklist = await assertChecklistMatches(page, {
        deployment: 'self-hosted-palette',
        'palette-version': '4.6.20',
        infrastructure: ['vsphere'],
        gateway: 'system-private-gateway',
        'ssh-access': true,
        endpoints: {
          palette: 'palette.example.com',
          'infrastructure-api': 'vcenter.example.com',
          admin: ['10.1.0.0/24', '10.2.0.0/24'],
          'workload-nodes': ['10.10.32.0/20'],
          'management-plane': ['10.10.1.0/28'],
        },
      });
      assert.equal(checklist.gateway, 'system-private-gateway');
      assert.deepEqual(consoleErrors(log), []);
    });
  });

  test('SaaS with Edge hosts behind a CONNECT proxy', async () => {
    await withBrowserLog(session, 'env-edge-proxy', async () => {
      const { page } = session;
      await fresh(page);
      await step(page, 'Infrastructure');
      await page.uncheck('#infrastructure-aws');
      await page.check('#infrastructure-edge');
      await step(page, 'Proxy');
      await page.check('#proxy-connect');
      await page.fill('#proxy-url', 'http://proxy.example.com:3128');
      await page.fill('#no-proxy', '.svc\n192.168.100.0/24');
      await step(page, 'Edge');
      await page.check('#edge-local-ui');
      await page.check('#edge-local-registry');
      await step(page, 'Addresses');
      await page.fill('#endpoint-edge', '192.168.100.0/24');
      await step(page, 'Checklist');
      await assertChecklistMatches(page, {
        infrastructure: ['edge'],
        proxy: { kind: 'connect', url: 'http://proxy.example.com:3128', 'no-proxy': ['.svc', '192.168.100.0/24'] },
        edge: { 'local-ui': true, 'local-registry': true },
        endpoints: { 'edge-hosts': ['192.168.100.0/24'] },
      });
      const edges = await page.locator('#topology .topology-edge').count();
      assert.ok(edges >= 4, `topology draws the flows (${edges} arrows)`);
    });
  });
});

describe('answers the documentation distinguishes (#14)', () => {
  test('self-hosted Palette behind a firewall: two vCenters, the installer host and PCG nodes, typed key by key', async () => {
    await withBrowserLog(session, 'env-two-vcenters', async () => {
      const { page, log } = session;
      await fresh(page);
      await page.check('#deployment-self-hosted-palette');
      await step(page, 'Infrastructure');
      await page.uncheck('#infrastructure-aws');
      await page.check('#infrastructure-vsphere');
      await step(page, 'Gateway');
      await page.check('#firewall-between');
      // A firewall means a PCG, which the Palette CLI builds: the install question is asked.
      await page.locator('#pcg-install-palette-cli').waitFor();
      await step(page, 'Addresses');
      // Typed as people type: every field must stay on the page while a value is half-written.
      for (const [id, value] of [
        ['#endpoint-pcg', '10.30.0.10'],
        ['#endpoint-infrastructure', 'vcenter-workloads.corp.example'],
        ['#endpoint-palette-vcenter', 'vcenter-mgmt.corp.example'],
        ['#endpoint-installer', '10.9.0.5'],
        ['#endpoint-grpc', 'grpc.palette.corp.example:443'],
        ['#endpoint-management', '10.10.1.0/28'],
      ]) {
        await page.locator(id).pressSequentially(value);
        assert.equal(await page.inputValue(id), value, `${id} kept every key`);
      }
      await step(page, 'Checklist');
      const checklist = await assertChecklistMatches(page, {
        deployment: 'self-hosted-palette',
        infrastructure: ['vsphere'],
        'firewall-between': true,
        endpoints: {
          'pcg-nodes': ['10.30.0.10'],
          'infrastructure-api': 'vcenter-workloads.corp.example',
          'palette-vcenter': 'vcenter-mgmt.corp.example',
          installer: ['10.9.0.5'],
          grpc: 'grpc.palette.corp.example:443',
          'management-plane': ['10.10.1.0/28'],
        },
      });
      const ids = checklist.flows.map((f) => f.id);
      for (const id of ['mgmt-palette-vcenter', 'installer-palette-vcenter', 'installer-pcg-palette', 'installer-pcg-infra-api', 'pcg-infra-api', 'workload-palette-grpc']) {
        assert.ok(ids.includes(id), `${id} in ${ids}`);
      }
      assert.ok(!ids.includes('mgmt-infra-api'), 'the PCG, not the management plane, reaches the workload vCenter');
      assert.deepEqual(consoleErrors(log), []);
    });
  });

  test('Nutanix: the PCG runs on an existing Kubernetes cluster; the Palette CLI is refused for it', async () => {
    await withBrowserLog(session, 'env-nutanix', async () => {
      const { page } = session;
      await fresh(page);
      await step(page, 'Infrastructure');
      await page.uncheck('#infrastructure-aws');
      await page.check('#infrastructure-nutanix');
      await step(page, 'Gateway');
      await page.locator('#pcg-install-auto').waitFor();
      await step(page, 'Checklist');
      await assertChecklistMatches(page, { infrastructure: ['nutanix'] });
      // A note: folded under the actions until opened.
      await page.locator('#checklist-notes summary').click();
      await page.locator('#checklist-notes [data-finding-id="pcg-on-existing-kubernetes"]').waitFor();
      await step(page, 'Gateway');
      await page.check('#pcg-install-palette-cli');
      await page.locator('#pcg-install-error').getByText('a Nutanix PCG is installed on an existing Kubernetes cluster').waitFor();
    });
  });

  test('one-per-line fields take Enter between entries, typed key by key (#16 point 2)', async () => {
    await withBrowserLog(session, 'enter-between-entries', async () => {
      const { page } = session;
      await fresh(page);
      await step(page, 'Infrastructure');
      await page.check('#infrastructure-aws');
      await step(page, 'Proxy');
      await page.check('#proxy-connect');
      await page.locator('#proxy-url').pressSequentially('http://proxy.corp.example:3128');
      const noProxy = page.locator('#no-proxy');
      await noProxy.pressSequentially('.corp.example');
      await noProxy.press('Enter');
      await noProxy.pressSequentially('10.0.0.0/8');
      assert.equal(await noProxy.inputValue(), '.corp.example\n10.0.0.0/8');
      await step(page, 'Addresses');
      const admin = page.locator('#endpoint-admin');
      await admin.pressSequentially('10.1.0.0/24');
      await admin.press('Enter');
      await admin.pressSequentially('10.2.0.0/24');
      assert.equal(await admin.inputValue(), '10.1.0.0/24\n10.2.0.0/24');
      // A comma starts the next entry too, typed or pasted (#16: lists accept commas).
      await admin.press('Enter');
      await admin.pressSequentially('10.3.0.0/24, 10.4.0.0/24');
      assert.deepEqual((await admin.inputValue()).split('\n').map((l) => l.trim()), ['10.1.0.0/24', '10.2.0.0/24', '10.3.0.0/24', '10.4.0.0/24']);
      await admin.fill('10.1.0.0/24, 10.2.0.0/24');
      await admin.dispatchEvent('input');
      assert.equal(await admin.inputValue(), '10.1.0.0/24\n10.2.0.0/24');
      await step(page, 'Checklist');
      await assertChecklistMatches(page, {
        infrastructure: ['aws'],
        proxy: { kind: 'connect', url: 'http://proxy.corp.example:3128', 'no-proxy': ['.corp.example', '10.0.0.0/8'] },
        endpoints: { admin: ['10.1.0.0/24', '10.2.0.0/24'] },
      });
      // Answers changed elsewhere still reach the field: Start over empties it.
      page.once('dialog', (dialog) => dialog.accept());
      await page.getByRole('button', { name: 'Start over' }).click();
      await step(page, 'Addresses');
      assert.equal(await page.locator('#endpoint-admin').inputValue(), '');
    });
  });

  test('a share link made before schema 2 still opens', async () => {
    await withBrowserLog(session, 'old-share-link', async () => {
      const { page } = session;
      const old = { schema: 1, deployment: 'self-hosted-palette', infrastructure: ['vsphere'], endpoints: { 'infrastructure-api': 'vcenter.example.com' } };
      const link = `${probe.url.split('#')[0]}#a=v1.${Buffer.from(JSON.stringify(old)).toString('base64url')}`;
      await page.goto(probe.url);
      await page.evaluate(() => localStorage.clear());
      await page.goto(link);
      await page.locator('#checklist-title').waitFor();
      await assertChecklistMatches(page, old);
    });
  });
});

describe('validation, persistence and sharing', () => {
  test('an invalid address shows its error and blocks the checklist; reload keeps everything typed', async () => {
    await withBrowserLog(session, 'invalid-and-reload', async () => {
      const { page } = session;
      await fresh(page);
      await page.check('#deployment-dedicated-saas');
      await step(page, 'Addresses');
      await page.fill('#endpoint-admin', '10.1.0.0/24\n10.0.0.0/33');
      await page.fill('#endpoint-palette', 'palette.example.com');
      const error = page.locator('#endpoint-admin-error');
      await assert.doesNotReject(error.getByText("Line 2: '10.0.0.0/33': prefix length 33 is over 32 for an IPv4 network").waitFor());
      assert.equal(await page.getAttribute('#endpoint-admin', 'aria-invalid'), 'true');

      await step(page, 'Checklist');
      await page.locator('#checklist-blocked').waitFor();
      assert.equal(await page.locator('[data-flow-id]').count(), 0, 'no partial checklist');

      await page.reload();
      await step(page, 'Addresses');
      assert.equal(await page.inputValue('#endpoint-admin'), '10.1.0.0/24\n10.0.0.0/33');
      assert.equal(await page.inputValue('#endpoint-palette'), 'palette.example.com');
    });
  });

  test('a share link restores the answers in a fresh browser profile', async () => {
    await withBrowserLog(session, 'share-link', async () => {
      const { page } = session;
      await fresh(page);
      await page.check('#deployment-dedicated-saas');
      await step(page, 'Infrastructure');
      await page.check('#infrastructure-azure');
      await step(page, 'Addresses');
      await page.fill('#endpoint-palette', 'acme.console.example.com');
      await page.getByRole('button', { name: 'Copy share link' }).click();
      const link = await page.inputValue('#share-link');
      assert.match(link, /#a=v1\./);

      const other = await session.browser.newContext();
      try {
        const fresh = await other.newPage();
        await fresh.goto(link);
        await fresh.locator('#checklist-title').waitFor();
        assert.doesNotMatch(fresh.url(), /#a=/, 'the link is removed from the address bar once read');
        await step(fresh, 'Addresses');
        assert.equal(await fresh.inputValue('#endpoint-palette'), 'acme.console.example.com');
        await step(fresh, 'Deployment');
        assert.ok(await fresh.isChecked('#deployment-dedicated-saas'));
        await step(fresh, 'Infrastructure');
        assert.ok(await fresh.isChecked('#infrastructure-azure') && !(await fresh.isChecked('#infrastructure-aws')));
      } finally {
        await other.close();
      }
    });
  });

  test('a corrupt link says so and keeps the saved answers', async () => {
    await withBrowserLog(session, 'corrupt-link', async () => {
      const { page } = session;
      await fresh(page);
      await page.check('#deployment-self-hosted-vertex');
      const corrupt = `${probe.url}#a=v1.not-base64!!`;

      // Pasted into the open page: only the fragment changes.
      await page.goto(corrupt);
      const notice = page.locator('#notice');
      await notice.waitFor();
      assert.match(await notice.textContent(), /could not be opened: the link is damaged .*Your answers were not changed/);
      assert.ok(await page.isChecked('#deployment-self-hosted-vertex'));

      // Opened in a new tab: a full page load.
      const tab = await page.context().newPage();
      try {
        await tab.goto(corrupt);
        await tab.locator('#notice').waitFor();
        assert.match(await tab.locator('#notice').textContent(), /could not be opened.*saved answers are shown instead/);
        assert.ok(await tab.isChecked('#deployment-self-hosted-vertex'), 'saved answers kept');
      } finally {
        await tab.close();
      }
    });
  });

  test('a link with one unreadable answer keeps the others', async () => {
    await withBrowserLog(session, 'partial-link', async () => {
      const { page } = session;
      await fresh(page);
      const payload = Buffer.from(JSON.stringify({ deployment: 'self-hosted-palette', infrastructure: ['mainframe'], 'ssh-access': true })).toString('base64url');
      await page.goto(`${probe.url}#a=v1.${payload}`);
      const notice = page.locator('#notice');
      await notice.waitFor();
      assert.match(await notice.textContent(), /\(infrastructure\)/);
      await step(page, 'Deployment');
      assert.ok(await page.isChecked('#deployment-self-hosted-palette'));
    });
  });
});

describe('accessibility and layout', () => {
  test('every step passes axe with no violations, in light and dark mode; screenshots of each step', async () => {
    for (const colorScheme of ['light', 'dark']) {
      const context = await session.browser.newContext({ colorScheme });
      const page = await context.newPage();
      try {
        await page.goto(probe.url);
        await page.locator('#questionnaire[data-ready]').waitFor();
        // An answer set that shows every step.
        await page.check('#deployment-self-hosted-palette');
        await step(page, 'Infrastructure');
        await page.check('#infrastructure-vsphere');
        await page.check('#infrastructure-edge');
        const labels = await page.getByRole('navigation', { name: 'Questionnaire steps' }).getByRole('button').allTextContents();
        assert.equal(labels.length, 10, `all steps visible: ${labels}`);
        for (const label of labels.map((l) => l.replace(/^\d+\. /, ''))) {
          await step(page, label);
          await axe(page, `${label} (${colorScheme})`);
          await page.screenshot({ path: `${artifacts}/step-${label.toLowerCase()}-${colorScheme}.png`, fullPage: true });
        }
      } finally {
        await context.close();
      }
    }
  });

  test('the questionnaire can be completed with the keyboard alone', async () => {
    const { page } = session;
    await fresh(page);
    await page.locator('#deployment-multi-tenant-saas').focus();
    await page.keyboard.press('ArrowDown');
    assert.ok(await page.isChecked('#deployment-dedicated-saas'));
    // Tab to Next and press Enter until the checklist step is reached.
    for (let i = 0; i < 40 && !(await page.locator('#step-checklist').count()); i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.id);
      // Nothing is pre-ticked: the infrastructure is chosen with the space bar.
      if (focused === 'infrastructure-aws' && !(await page.isChecked('#infrastructure-aws'))) await page.keyboard.press('Space');
      if (focused === 'next') await page.keyboard.press('Enter');
    }
    await page.locator('#checklist-title').waitFor({ timeout: 2000 });
    const focusVisible = await page.evaluate(() => document.activeElement !== document.body);
    assert.ok(focusVisible, 'focus stays on the page');
  });

  test('the printed checklist is a clean handout: the table, the notes unfolded, the picture (#16 point 9)', async () => {
    const { page } = session;
    await fresh(page);
    await step(page, 'Infrastructure');
    await page.check('#infrastructure-aws');
    await step(page, 'Checklist');
    const note = page.locator('#checklist-notes li').first();
    assert.equal(await note.isVisible(), false, 'notes are folded on screen');
    assert.ok(await page.locator('#flow-cards').isVisible(), 'the cards show on screen');
    await page.emulateMedia({ media: 'print' });
    try {
      assert.ok(await note.isVisible(), 'notes are shown in print');
      assert.ok(await page.locator('#checklist-summary').isVisible(), 'the table prints');
      assert.equal(await page.locator('#flow-cards').isVisible(), false, 'the cards do not');
      assert.ok(await page.locator('#topology').isVisible(), 'the picture prints');
      assert.equal(await page.getByRole('navigation', { name: 'Questionnaire steps' }).isVisible(), false);
      assert.equal(await page.locator('#share').isVisible(), false);
      await page.pdf({ path: `${artifacts}/checklist-print.pdf` });
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  test('no horizontal scrolling on a 360 px wide screen', async () => {
    const context = await session.browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    try {
      await page.goto(probe.url);
      await page.locator('#questionnaire[data-ready]').waitFor();
      for (const label of ['Deployment', 'Addresses', 'Checklist']) {
        await step(page, label);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 360, `${label} is ${width}px wide`);
      }
      await page.screenshot({ path: `${artifacts}/mobile-checklist.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });
});
