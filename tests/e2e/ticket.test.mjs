// The ticket step: fill the form, download every format, and compare each file with what
// `portcheck ticket` writes for the same answers and ticket fields.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import { artifacts, consoleErrors, openBrowser, startProbe, withBrowserLog } from './harness.mjs';

const root = new URL('../../', import.meta.url).pathname;
const bin = process.env.PORTCHECK_BIN ?? `${root}target/debug/portcheck`;
const answersFile = `${root}rules/examples/saas-vsphere-pcg.json`;

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

const FIELDS = {
  '#ticket-title': ['title', 'Palette rollout <DC1> | "phase 1"'],
  '#ticket-requester': ['requester', '=cmd|\' /C calc\'!A0'],
  '#ticket-team': ['team', 'Platform Engineering'],
  '#ticket-contact': ['contact', 'platform@example.com'],
  '#ticket-window': ['change-window', '2026-12-05 20:00-22:00 UTC'],
  '#ticket-review': ['review-date', '2027-06-01'],
};

test('every downloaded format equals the CLI output for the same input', async () => {
  await withBrowserLog(session, 'ticket-downloads', async () => {
    const { page, log } = session;
    const answers = readFileSync(answersFile, 'utf8');
    await page.goto(probe.url);
    await page.evaluate(() => localStorage.clear());
    await page.goto(`${probe.url}#a=v1.${Buffer.from(answers).toString('base64url')}`);
    await page.locator('#checklist-title').waitFor();
    await page.check('#tick-admin-palette-ui');

    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('#ticket-heading').waitFor();
    const info = { 'already-open': ['admin-palette-ui'], 'include-optional': true, 'firewall-mode': 'host' };
    for (const [selector, [key, value]] of Object.entries(FIELDS)) {
      await page.fill(selector, value);
      info[key] = value;
    }
    // The optional flows and the host mode: the CLI gets the same choices through the info file.
    await page.check('#ticket-include-optional');
    await page.selectOption('#ticket-firewall-mode', 'host');
    const dir = mkdtempSync(`${tmpdir()}/portcheck-ticket-`);
    writeFileSync(`${dir}/info.json`, JSON.stringify(info));

    const formats = await page.locator('#ticket-format option').evaluateAll((o) => o.map((x) => x.value));
    assert.equal(formats.length, 15);
    assert.ok(['squid', 'aws-network-firewall', 'cilium'].every((f) => formats.includes(f)));
    for (const [i, format] of formats.entries()) {
      // Chromium stops a page after ten downloads; a reload (state is saved) starts afresh.
      if (i > 0 && i % 5 === 0) {
        await page.reload();
        await page.getByRole('navigation', { name: 'Questionnaire steps' }).getByRole('button', { name: /Ticket$/ }).click();
      }
      await page.selectOption('#ticket-format', format);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#ticket-download')]);
      const file = `${dir}/${download.suggestedFilename()}`;
      await download.saveAs(file);
      const expected = execFileSync(bin, ['ticket', '--format', format, '--answers', answersFile, '--info', `${dir}/info.json`], {
        encoding: 'utf8',
      });
      assert.equal(readFileSync(file, 'utf8'), expected, `${format} download differs from the CLI`);
      assert.match(await page.locator('#ticket-status').textContent(), new RegExp(`Downloaded ${download.suggestedFilename()}`));
    }
    const preview = await page.inputValue('#ticket-preview');
    assert.ok(preview.length > 0);
    await page.screenshot({ path: `${artifacts}/step-ticket.png`, fullPage: true });
    assert.deepEqual(consoleErrors(log), []);
  });
});

test('ticket fields survive a reload', async () => {
  const { page } = session;
  await page.reload();
  await page.getByRole('navigation', { name: 'Questionnaire steps' }).getByRole('button', { name: /Ticket$/ }).click();
  assert.equal(await page.inputValue('#ticket-team'), 'Platform Engineering');
});

test('the toolbar downloads the checklist as the CLI writes it, fetching the engine first', async () => {
  const context = await session.browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  try {
    await page.goto(probe.url);
    await page.evaluate((answers) => localStorage.setItem('palette-portcheck.answers.v1', answers),
      readFileSync(answersFile, 'utf8'));
    await page.reload();
    // Saved answers open on the first question, where the engine has not been fetched.
    await page.getByRole('group', { name: 'How is Palette deployed?' }).waitFor();
    const parts = () => page.evaluate(() =>
      performance.getEntriesByType('resource').filter((e) => /\/split_[^/]+\.wasm$/.test(e.name)).length);
    assert.equal(await parts(), 0, 'no engine yet');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-checklist')]);
    assert.equal(download.suggestedFilename(), 'palette-checklist.md');
    const expected = execFileSync(bin, ['checklist', '--answers', answersFile, '--format', 'markdown'], { encoding: 'utf8' });
    assert.equal(readFileSync(await download.path(), 'utf8'), expected);
    assert.equal(await parts(), 1, 'the download fetched the engine');
  } finally {
    await context.close();
  }
});
