// Time from navigation to an interactive first question, in headless Chromium, median of 10
// fresh profiles, for the built app (dist/) and, as a peer in the same run, a static HTML page
// with the same first question and no wasm; then the time the first checklist takes while the
// engine's wasm module is fetched, against the same once loaded.
// Usage: node scripts/bench/page-load.mjs [runs]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';
import { startProbe } from '../../tests/e2e/harness.mjs';

const runs = Number(process.argv[2] ?? 10);
const root = new URL('../../', import.meta.url).pathname;

const staticDir = mkdtempSync(`${tmpdir()}/portcheck-peer-`);
writeFileSync(`${staticDir}/index.html`, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>peer</title>
<link rel="icon" href="data:,"></head><body><fieldset><legend>How is Palette deployed?</legend>
${['Multi-tenant SaaS', 'Dedicated SaaS', 'Self-hosted Palette', 'Self-hosted Palette VerteX']
  .map((l, i) => `<label><input type="radio" name="d" id="d${i}">${l}</label>`).join('')}
</fieldset><script>performance.mark('portcheck-interactive')</script></body></html>`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

function stats(times) {
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times.at(-1) };
}

// A fresh profile per run at the interactive first question; `then` measures more on the page.
async function measure(url, then = async () => {}) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('portcheck-interactive').length > 0);
    times.push(await page.evaluate(() => performance.getEntriesByName('portcheck-interactive')[0].startTime));
    await then(page);
    await context.close();
  }
  return stats(times);
}

// Milliseconds from a click on "See checklist" to the checklist on screen.
const showChecklist = () => new Promise((resolve) => {
  const start = performance.now();
  const observer = new MutationObserver(() => {
    if (document.getElementById('checklist-title')) {
      observer.disconnect();
      resolve(performance.now() - start);
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
  document.getElementById('see-checklist').click();
});

const app = await startProbe({ dir: `${root}dist` });
const peer = await startProbe({ dir: staticDir });
try {
  // The split's cost to the user: the first checklist waits for the engine's module; the peer
  // is the same click once it has loaded.
  const fetching = [];
  const loaded = [];
  const a = await measure(app.url, async (page) => {
    fetching.push(await page.evaluate(showChecklist));
    await page.click('#nav-deployment');
    loaded.push(await page.evaluate(showChecklist));
  });
  const p = await measure(peer.url);
  const fmt = (m) => `median ${m.median.toFixed(1)} ms (min ${m.min.toFixed(1)}, max ${m.max.toFixed(1)})`;
  console.log(`navigation -> interactive first question, ${runs} fresh profiles each`);
  console.log(`  app (wasm):          ${fmt(a)}`);
  console.log(`  peer (static HTML):  ${fmt(p)}`);
  console.log(`  ratio app/peer:      ${(a.median / p.median).toFixed(2)}x`);
  const [f, l] = [stats(fetching), stats(loaded)];
  console.log('"See checklist" on the first screen -> checklist shown, same profiles');
  console.log(`  engine fetched by the click:  ${fmt(f)}`);
  console.log(`  peer (engine already loaded): ${fmt(l)}`);
  console.log(`  ratio:                        ${(f.median / l.median).toFixed(2)}x`);
} finally {
  await app.stop();
  await peer.stop();
  await browser.close();
}
