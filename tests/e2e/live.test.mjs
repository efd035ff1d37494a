// Live checks from the app against a real probe process and real loopback servers: a passing
// flow, a refused port, a stalled port and a TLS-inspecting proxy. Asserts the verdicts on the
// flows, the topology colours, the ticket's "request these rules" evidence, a probe lost
// mid-run, and the message when the browser cannot reach the probe.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { artifacts, axe, openBrowser, startProbe, startStaticHost, step, withBrowserLog } from './harness.mjs';
import { liveAnswers, probeArgs, startServers } from './servers.mjs';

const TIMEOUT = 3;
let servers;
let session;

before(async () => {
  servers = await startServers();
  session = await openBrowser();
});

after(async () => {
  await session?.browser.close();
  servers?.close();
});

const probeFor = () => startProbe({ args: probeArgs(servers, TIMEOUT) });

/** Opens `load` (by default `url`) with the live answers saved at `url`, on the checklist step. */
async function openOnChecklist(page, url, load = url) {
  await page.goto(url);
  await page.evaluate((a) => {
    localStorage.clear();
    localStorage.setItem('palette-portcheck.answers.v1', JSON.stringify(a));
  }, liveAnswers(servers));
  // A fresh load: going to the same address with only a new fragment would not reload the app.
  await page.goto('about:blank');
  await page.goto(load);
  await page.locator('#questionnaire[data-ready]').waitFor();
  await step(page, 'Checklist');
  await page.locator('#live').waitFor();
}

/** Opens the probe's pairing link with the answers already saved, on the checklist step. */
const openPaired = (page, probe) => openOnChecklist(page, probe.url, `${probe.url}#t=${probe.token}`);

/** Presses Run and confirms at the probe's terminal with the question's code, or declines. */
async function runAnswering(page, probe, confirm) {
  if (confirm) {
    const confirmed = probe.confirm();
    await page.locator('#live-run').click();
    await confirmed;
    return;
  }
  const asked = probe.waitFor('/N]: ');
  await page.locator('#live-run').click();
  await asked;
  probe.answer('n');
}

const verdict = (page, flow) => page.locator(`[data-flow-id="${flow}"] .live-verdict`);
const edge = (page, from, to) => page.locator(`.topology-edge[data-from="${from}"][data-to="${to}"]`);

test('live checks run after the terminal confirms, and verdicts reach flows, topology and ticket', async () => {
  const probe = await probeFor();
  try {
    await withBrowserLog(session, 'live-run', async () => {
      const { page } = session;
      await openPaired(page, probe);
      assert.doesNotMatch(page.url(), /#t=/, 'the token leaves the address bar once read');
      assert.match(await page.locator('#live-paired').textContent(), new RegExp(probe.url.replace(/\/$/, '')));
      assert.equal(await page.locator('#live-role').inputValue(), 'pcg');

      const asked = probe.confirm();
      await page.locator('#live-run').click();
      await page.locator('#live-status', { hasText: 'confirm this page\'s plan at the probe\'s terminal' }).waitFor();
      const question = await asked;
      assert.match(question, /asks this probe to run 8 checks from Private Cloud Gateway nodes/);
      assert.match(question, new RegExp(`localhost:${servers.stalled.port} tls`));

      // Progress per check: the stalled registry shows as running until its timeout.
      await page.locator('[data-flow-id="pcg-private-registry"] .live-verdict[data-verdict="checking"]').waitFor();
      // The run goes on while the user looks at another step.
      await page.getByRole('button', { name: /\d+\. Proxy$/ }).click();
      await page.getByRole('button', { name: /\d+\. Checklist$/ }).click();
      await page.locator('#live-status', { hasText: /^Done: 8 checks ran/ }).waitFor({ timeout: 20_000 });
      // What cannot be proven by connecting is listed, not dropped.
      assert.match(await page.locator('#live-skipped').textContent(), /3 flows from here cannot be checked.*pcg-dns: UDP cannot be checked by opening a connection/s);

      // A passing flow: the proxy port itself answers.
      assert.equal(await verdict(page, 'pcg-proxy').getAttribute('data-verdict'), 'passed');
      // A refused port.
      const refused = verdict(page, 'pcg-infra-api');
      assert.equal(await refused.getAttribute('data-verdict'), 'failed');
      assert.match(await refused.textContent(), /refused the connection/);
      assert.match(await refused.textContent(), /Fix: /);
      // A stalled port.
      const stalled = verdict(page, 'pcg-private-registry');
      assert.equal(await stalled.getAttribute('data-verdict'), 'failed');
      assert.match(await stalled.textContent(), new RegExp(`no answer within ${TIMEOUT} s`));
      // The inspecting proxy: Palette SaaS answers, re-signed by the corporate CA.
      const palette = verdict(page, 'pcg-palette');
      assert.equal(await palette.getAttribute('data-verdict'), 'warning');
      assert.match(await palette.textContent(), /Example Corp TLS Inspection CA/);

      assert.equal(await edge(page, 'pcg', 'proxy').getAttribute('data-status'), 'passed');
      assert.equal(await edge(page, 'pcg', 'infra-api').getAttribute('data-status'), 'failed');
      assert.equal(await edge(page, 'pcg', 'registry').getAttribute('data-status'), 'failed');
      // Palette SaaS is reached through the proxy: its arrow starts there.
      assert.equal(await edge(page, 'proxy', 'palette').getAttribute('data-status'), 'warned');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: `${artifacts}/live-checks.png`, fullPage: true });
      await axe(page, 'checklist with live verdicts');

      // Request these rules: both failed flows go to the ticket with their evidence.
      await page.locator('#live-request', { hasText: 'add the 2 failed flows' }).click();
      await page.locator('section[aria-label="Step: Ticket"]').waitFor();
      const ticket = await page.locator('#ticket-preview').inputValue();
      assert.match(ticket, /## Evidence from live checks/);
      assert.match(ticket, new RegExp(`\\(\`pcg-infra-api\`\\): live check from Private Cloud Gateway nodes on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC failed: localhost:${servers.refused.port}: 127\\.0\\.0\\.1:${servers.refused.port} refused the connection`));
      assert.match(ticket, /\(`pcg-private-registry`\): live check from Private Cloud Gateway nodes on .* no answer within 3 s/);
    });
    assert.match(probe.log(), /event="proposal".*confirmed=true/);
  } finally {
    await probe.stop();
  }
});

test('verdicts stop counting when the answers they ran for change (#16 point 3)', async () => {
  const probe = await probeFor();
  try {
    await withBrowserLog(session, 'live-stale', async () => {
      const { page } = session;
      await openPaired(page, probe);
      await runAnswering(page, probe, true);
      await page.locator('#live-status', { hasText: /^Done: 8 checks ran/ }).waitFor({ timeout: 20_000 });
      assert.equal(await verdict(page, 'pcg-infra-api').getAttribute('data-verdict'), 'failed');
      assert.equal(await edge(page, 'pcg', 'infra-api').getAttribute('data-status'), 'failed');

      // The vCenter moves: typed key by key into the field, as people do.
      await page.getByRole('button', { name: /\d+\. Addresses$/ }).click();
      const field = page.locator('#endpoint-infrastructure');
      await field.click();
      await field.press('End');
      for (let i = 0; i < String(servers.refused.port).length; i += 1) await field.press('Backspace');
      await field.pressSequentially(String(servers.valid.port));
      await page.getByRole('button', { name: /\d+\. Checklist$/ }).click();

      const moved = verdict(page, 'pcg-infra-api');
      assert.equal(await moved.getAttribute('data-verdict'), 'stale');
      assert.match(await moved.textContent(), /answers changed since this check: run again/);
      assert.match(await page.locator('#live-stale').textContent(), /1 flows' results no longer match/);
      assert.notEqual(await edge(page, 'pcg', 'infra-api').getAttribute('data-status'), 'failed', 'the arrow no longer shows the old failure');
      // Untouched flows keep their verdicts.
      assert.equal(await verdict(page, 'pcg-private-registry').getAttribute('data-verdict'), 'failed');

      // The evidence names where the run came from, whatever the drop-down says now.
      const other = await page.locator('#live-role option:not([value="pcg"])').first().getAttribute('value');
      await page.locator('#live-role').selectOption(other);
      await page.locator('#live-request', { hasText: 'add the 1 failed flows' }).click();
      await page.locator('section[aria-label="Step: Ticket"]').waitFor();
      const ticket = await page.locator('#ticket-preview').inputValue();
      assert.match(ticket, /\(`pcg-private-registry`\): live check from Private Cloud Gateway nodes on \d{4}-\d\d-\d\d \d\d:\d\d UTC failed/);
      assert.doesNotMatch(ticket, /`pcg-infra-api`\): live check/, 'no evidence about the old vCenter address');
    });
  } finally {
    await probe.stop();
  }
});

test('a probe lost mid-run keeps the results so far and says so', async () => {
  const probe = await probeFor();
  await withBrowserLog(session, 'live-lost', async () => {
    const { page } = session;
    await openPaired(page, probe);
    await runAnswering(page, probe, true);
    // Every check but the stalled one ends at once; stop the probe while that one still waits.
    await page.locator('#live-status', { hasText: /^Running: 7 of 8/ }).waitFor({ timeout: 10_000 });
    await probe.stop();
    await page.locator('#live-status', { hasText: 'lost after 7 of 8 checks; the results so far are kept' }).waitFor();
    assert.equal(await verdict(page, 'pcg-proxy').getAttribute('data-verdict'), 'passed');
  });
});

test('a link the probe does not accept explains what the browser may have blocked', async () => {
  const probe = await probeFor();
  try {
    await withBrowserLog(session, 'live-blocked', async () => {
      const { page } = session;
      // A damaged link in the address bar: a notice, and no pairing.
      await page.goto('about:blank');
      await page.goto(`${probe.url}#t=short`);
      const notice = page.locator('#notice');
      await notice.waitFor();
      assert.match(await notice.textContent(), /The probe's pairing link could not be used: the token in the link is damaged/);

      await openPaired(page, probe);
      await page.getByRole('button', { name: 'Unpair' }).click();
      await page.locator('#live-link').fill(`${probe.url}#t=short`);
      await page.locator('#live-pair').click();
      assert.match(await page.locator('#live-link-error').textContent(), /token in the link is damaged/);

      const wrong = 'A'.repeat(43);
      await page.locator('#live-link').fill(`${probe.url}#t=${wrong}`);
      await page.locator('#live-pair').click();
      await page.locator('#live-run').click();
      // On the probe's own page a refusal can only be the token: said so, with the fix.
      const status = page.locator('#live-status', { hasText: 'is running but refused this page\'s link: it is from an earlier launch' });
      await status.waitFor();
      assert.match(await status.textContent(), /paste the newest/);
    });
    assert.match(probe.log(), /accepted=false reason="missing or wrong token"/);
    // A probe that is not there any more is told apart from one that refused (#16 point 10).
    await probe.stop();
    await withBrowserLog(session, 'live-gone', async () => {
      const { page } = session;
      await page.locator('#live-run').click();
      await page.locator('#live-status', { hasText: /^No probe answers at http:\/\/127\.0\.0\.1:\d+: start portcheck serve there/ }).waitFor();
    });
  } finally {
    await probe.stop();
  }
});

test('a page of another site is told a refused origin from an old link, each with its fix (#16 point 10)', async () => {
  const host = await startStaticHost();
  const pageOrigin = host.url.replace(/\/$/, '');
  const refusing = await probeFor();
  const accepting = await startProbe({ args: ['--allow-origin', pageOrigin, ...probeArgs(servers, TIMEOUT)] });
  try {
    await withBrowserLog(session, 'live-other-site', async () => {
      const { page } = session;
      await openOnChecklist(page, host.url);
      const status = page.locator('#live-status');
      // The right token, but the probe does not accept this site.
      await page.locator('#live-link').fill(`${refusing.url}#t=${refusing.token}`);
      await page.locator('#live-pair').click();
      await page.locator('#live-run').click();
      await status.filter({ hasText: `does not accept pages from ${pageOrigin}: restart it with --allow-origin ${pageOrigin}` }).waitFor();
      assert.doesNotMatch(await status.textContent(), /earlier launch/);
      // A probe that accepts this site, and a link from an earlier launch.
      await page.getByRole('button', { name: 'Unpair' }).click();
      await page.locator('#live-link').fill(`${accepting.url}#t=${'A'.repeat(43)}`);
      await page.locator('#live-pair').click();
      await page.locator('#live-run').click();
      await status.filter({ hasText: 'refused this page\'s link: it is from an earlier launch' }).waitFor();
      assert.doesNotMatch(await status.textContent(), /allow-origin/);
    });
    assert.match(refusing.log(), /reason="origin not allowed"/);
    assert.match(accepting.log(), /reason="missing or wrong token"/);
  } finally {
    await refusing.stop();
    await accepting.stop();
    await host.stop();
  }
});

/**
 * Servers that are not probes on the page's link: `upgrade` answers a WebSocket handshake,
 * `request` a plain request; whatever they hold open is closed by `close`.
 */
async function notAProbe({ upgrade, request }) {
  const held = [];
  const server = createServer((req, res) => { held.push(res.socket); request(res); });
  server.on('upgrade', (req, socket) => { held.push(socket); socket.on('error', () => {}); upgrade(req, socket); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, close: () => { held.forEach((s) => s.destroy()); server.close(); } };
}

/** Completes the WebSocket handshake (subprotocol portcheck.v1), then says nothing. */
const silentSocket = () => notAProbe({
  upgrade: (req, socket) => {
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: portcheck.v1\r\n\r\n`);
  },
  request: (res) => res.writeHead(404).end(),
});

/** Refuses the WebSocket at once, and never answers the plain requests the diagnosis makes. */
const refusingThenStalling = () => notAProbe({
  upgrade: (req, socket) => socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n'),
  request: () => {},
});

test('a port that accepts and never answers ends the run with what to check, not a wait without end', async () => {
  const host = await startStaticHost();
  const silent = await silentSocket();
  const stalling = await refusingThenStalling();
  try {
    await withBrowserLog(session, 'live-silent', async () => {
      const { page } = session;
      await openOnChecklist(page, host.url);
      const status = page.locator('#live-status');
      const run = page.locator('#live-run');
      // A port that takes the connection and never completes the WebSocket handshake.
      await page.locator('#live-link').fill(`http://127.0.0.1:${servers.stalled.port}/#t=${'A'.repeat(43)}`);
      await page.locator('#live-pair').click();
      let started = Date.now();
      await run.click();
      await status.filter({ hasText: /^Connecting to the probe/ }).waitFor();
      assert.ok(await run.isDisabled(), 'no second run while one connects');
      await status.filter({ hasText: `No answer from http://127.0.0.1:${servers.stalled.port} within 10 s: the connection was not completed` }).waitFor({ timeout: 20_000 });
      assert.ok(Date.now() - started >= 9_000, 'not before the deadline');
      assert.ok(await run.isEnabled(), 'a new run can start');
      // A server that completes the handshake and then says nothing.
      await page.getByRole('button', { name: 'Unpair' }).click();
      await page.locator('#live-link').fill(`http://127.0.0.1:${silent.port}/#t=${'A'.repeat(43)}`);
      await page.locator('#live-pair').click();
      started = Date.now();
      await run.click();
      await status.filter({ hasText: `Something at http://127.0.0.1:${silent.port} accepted the connection but did not answer as a probe within 10 s` }).waitFor({ timeout: 20_000 });
      assert.ok(Date.now() - started >= 9_000, 'not before the deadline');
      assert.ok(await run.isEnabled());
      // Refused at once, and the diagnosis's own requests are never answered: they give up.
      await page.getByRole('button', { name: 'Unpair' }).click();
      await page.locator('#live-link').fill(`http://127.0.0.1:${stalling.port}/#t=${'A'.repeat(43)}`);
      await page.locator('#live-pair').click();
      await run.click();
      await status.filter({ hasText: `No probe answers at http://127.0.0.1:${stalling.port}` }).waitFor({ timeout: 20_000 });
      assert.ok(await run.isEnabled());
    });
  } finally {
    silent.close();
    stalling.close();
    await host.stop();
  }
});

test('a plan declined at the probe\'s terminal runs nothing and says so', async () => {
  const probe = await probeFor();
  try {
    await withBrowserLog(session, 'live-declined', async () => {
      const { page } = session;
      await openPaired(page, probe);
      await runAnswering(page, probe, false);
      await page.locator('#live-status', { hasText: 'The probe said: the plan was declined at the probe\'s terminal' }).waitFor();
      assert.equal(await page.locator('.live-verdict').count(), 0, 'no check ran');
      assert.ok(await page.locator('#live-run').isEnabled(), 'the user can try again');
    });
    assert.match(probe.log(), /event="proposal".*confirmed=false/);
  } finally {
    await probe.stop();
  }
});
