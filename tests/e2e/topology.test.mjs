// The topology as the browser draws it (#16 point 9): for every example environment, measured
// with the real fonts, no label covers a box, a zone title or another label, no arrow runs
// through a box, and exactly the arrows with one end outside cross the firewall line. Then the
// picture read in dark mode and in print, its SVG and PNG downloads checked for what they
// contain, and print giving the table.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import { artifacts, openBrowser, startProbe, step, withBrowserLog } from './harness.mjs';

const root = new URL('../../', import.meta.url).pathname;
const examples = readdirSync(`${root}rules/examples`).filter((f) => f.endsWith('.json'));

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

/** Opens the checklist for an example's answers, through a share link. */
async function openExample(page, name) {
  const answers = readFileSync(`${root}rules/examples/${name}`);
  await page.goto('about:blank');
  await page.goto(`${probe.url}#a=v1.${answers.toString('base64url')}`);
  await page.locator('#questionnaire[data-ready]').waitFor();
  await step(page, 'Checklist');
  await page.locator('#topology').waitFor();
}

/** Everything wrong with the drawn picture, measured in the page (SVG user units). */
function problems() {
  const svg = document.getElementById('topology');
  const bbox = (el) => {
    const b = el.getBBox();
    return { x: b.x, y: b.y, w: b.width, h: b.height };
  };
  const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  const inside = (p, r, inset) => p.x > r.x + inset && p.x < r.x + r.w - inset && p.y > r.y + inset && p.y < r.y + r.h - inset;
  const out = [];
  const nodes = [...svg.querySelectorAll('.topology-node')].map((g) => ({
    role: g.dataset.role, box: bbox(g.querySelector('rect')), name: bbox(g.querySelector('text')),
  }));
  for (const n of nodes) {
    if (n.name.x < n.box.x || n.name.x + n.name.w > n.box.x + n.box.w) out.push(`${n.role}: its name overflows its box`);
  }
  const zones = [...svg.querySelectorAll('.topology-zone')].map((g) => ({
    zone: g.dataset.zone, rect: bbox(g.querySelector('rect')), title: bbox(g.querySelector('text')),
  }));
  for (const z of zones) {
    if (z.title.x + z.title.w > z.rect.x + z.rect.w) out.push(`zone ${z.zone}: its title overflows`);
  }
  const fixed = [...zones.map((z) => z.title), ...[...svg.querySelectorAll('.tp-caption')].map(bbox)];
  const labels = [];
  for (const el of svg.querySelectorAll('.topology-label')) {
    const r = bbox(el);
    const what = `label ${el.textContent} (${el.dataset.from} -> ${el.dataset.to})`;
    for (const n of nodes) if (overlap(r, n.box)) out.push(`${what} on the box ${n.role}`);
    for (const t of fixed) if (overlap(r, t)) out.push(`${what} on a title`);
    for (const o of labels) if (overlap(r, o.r)) out.push(`${what} on ${o.what}`);
    labels.push({ r, what });
  }
  const line = svg.querySelector('.tp-firewall');
  const lineX = line ? Number(line.getAttribute('x1')) : null;
  let crossing = 0;
  for (const g of svg.querySelectorAll('.topology-edge')) {
    const path = g.querySelector('path');
    const length = path.getTotalLength();
    const points = [];
    for (let k = 2; k <= 98; k += 1) points.push(path.getPointAtLength((length * k) / 100));
    const what = `arrow ${g.dataset.from} -> ${g.dataset.to}`;
    for (const n of nodes) if (points.some((p) => inside(p, n.box, 1))) out.push(`${what} through the box ${n.role}`);
    if (lineX !== null) {
      const crosses = points.some((p) => p.x < lineX) && points.some((p) => p.x > lineX);
      if (crosses !== (g.dataset.crosses === 'true')) out.push(`${what}: crosses the firewall line ${crosses}, says ${g.dataset.crosses}`);
      if (crosses) crossing += 1;
    }
  }
  return { out, nodes: nodes.length, edges: svg.querySelectorAll('.topology-edge').length, zones: zones.length, crossing, line: lineX !== null };
}

test('every example environment draws clear: no label on a box, title or label, no arrow through a box, the firewall line crossed by exactly the outside arrows', async () => {
  await withBrowserLog(session, 'topology-geometry', async () => {
    const { page } = session;
    assert.ok(examples.length >= 15);
    for (const name of examples) {
      await openExample(page, name);
      const found = await page.evaluate(problems);
      assert.deepEqual(found.out, [], `${name}: ${found.out.join('; ')}`);
      assert.ok(found.nodes >= 2 && found.edges >= 1 && found.zones >= 1, `${name}: ${JSON.stringify(found)}`);
      if (name.includes('airgap')) {
        assert.equal(found.line, false, `${name}: nothing leaves an air-gapped install, no firewall line`);
      } else if (name.startsWith('saas')) {
        assert.ok(found.line && found.crossing >= 1, `${name}: SaaS is reached across the firewall line`);
      }
    }
  });
});

test('a proxied environment draws the proxy in the DMZ, and only it crosses to Palette SaaS', async () => {
  await withBrowserLog(session, 'topology-proxy', async () => {
    const { page } = session;
    await openExample(page, 'saas-vsphere-proxy-connect.json');
    const zone = (role) => page.locator(`.topology-node[data-role="${role}"]`).getAttribute('data-zone');
    assert.equal(await zone('proxy'), 'dmz');
    assert.equal(await zone('palette'), 'outside');
    assert.equal(await zone('pcg'), 'site');
    assert.equal(await page.locator('.topology-edge[data-from="pcg"][data-to="palette"]').count(), 0, 'no direct arrow for a proxied flow');
    const proxied = page.locator('.topology-edge[data-from="proxy"][data-to="palette"]');
    assert.equal(await proxied.getAttribute('data-crosses'), 'true');
    assert.match(await proxied.getAttribute('data-flows'), /pcg-palette/);
    assert.equal(await page.locator('.topology-label[data-from="pcg"][data-to="proxy"]').textContent(), '3128');
    await page.screenshot({ path: `${artifacts}/topology-proxy.png`, fullPage: true });
  });
});

/** WCAG contrast between the fills (or a fill and stroke) of two elements, as computed. */
function contrasts(pairs) {
  const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  const luminance = (colour) => {
    probe.clearRect(0, 0, 1, 1);
    probe.fillStyle = colour;
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const paint = (selector, property) => getComputedStyle(document.querySelector(selector))[property];
  return pairs.map(([what, [fg, fgProp], [bg, bgProp]]) => {
    const [a, b] = [luminance(paint(fg, fgProp)), luminance(paint(bg, bgProp))];
    const [hi, lo] = a > b ? [a, b] : [b, a];
    return { what, ratio: (hi + 0.05) / (lo + 0.05), background: luminance(paint(bg, bgProp)) };
  });
}

const PAIRS = [
  ['box names', ['.topology-node .tp-text', 'fill'], ['.topology-node .tp-box', 'fill']],
  ['port labels on their halo', ['.tp-label', 'fill'], ['.tp-label', 'stroke']],
  ['zone titles', ['.topology-zone[data-zone="site"] .tp-title', 'fill'], ['.topology-zone[data-zone="site"] .tp-zone', 'fill']],
  ['DMZ title', ['.topology-zone[data-zone="dmz"] .tp-title', 'fill'], ['.topology-zone[data-zone="dmz"] .tp-zone', 'fill']],
  ['outside title', ['.topology-zone[data-zone="outside"] .tp-title', 'fill'], ['.topology-zone[data-zone="outside"] .tp-zone', 'fill']],
  ['firewall caption', ['.tp-caption', 'fill'], ['body', 'backgroundColor']],
];

test('the picture reads in light, dark and print', async () => {
  const context = await session.browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  try {
    await openExample(page, 'saas-vsphere-proxy-connect.json');
    for (const media of ['screen', 'print']) {
      for (const colorScheme of ['light', 'dark']) {
        await page.emulateMedia({ media, colorScheme });
        for (const { what, ratio, background } of await page.evaluate(contrasts, PAIRS)) {
          assert.ok(ratio >= 4.5, `${media}, ${colorScheme}: ${what} contrast ${ratio.toFixed(2)}`);
          if (media === 'screen' && what === 'box names') {
            assert.equal(background < 0.2, colorScheme === 'dark', `${colorScheme}: boxes follow the scheme`);
          }
        }
      }
    }
    // Print is light even when the screen is dark, and gives the table, not the cards.
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    const [{ background }] = await page.evaluate(contrasts, PAIRS);
    assert.ok(background > 0.8, 'boxes print light');
    assert.ok(await page.locator('#checklist-summary').isVisible(), 'the summary table prints');
    assert.ok(await page.locator('#topology').isVisible(), 'the picture prints');
    assert.equal(await page.locator('#flow-cards').isVisible(), false, 'the cards do not print');
    assert.equal(await page.locator('#topology-png').isVisible(), false, 'buttons do not print');
  } finally {
    await context.close();
  }
});

test('the SVG and PNG downloads hold the picture: light, styled, every box and the firewall line', async () => {
  await withBrowserLog(session, 'topology-export', async () => {
    const { page } = session;
    await openExample(page, 'saas-vsphere-proxy-connect.json');
    const onPage = await page.locator('#topology .topology-node').count();
    const viewBox = (await page.locator('#topology').getAttribute('viewBox')).split(' ').map(Number);

    const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#topology-svg').click()]);
    assert.equal(svgDownload.suggestedFilename(), 'palette-topology.svg');
    const svgFile = `${mkdtempSync(`${tmpdir()}/portcheck-topology-`)}/palette-topology.svg`;
    await svgDownload.saveAs(svgFile);
    const svgText = readFileSync(svgFile, 'utf8');
    // A standalone file, opened by itself in a dark browser: it parses, and it is drawn light
    // from its own stylesheet.
    const viewer = await session.browser.newContext({ colorScheme: 'dark' });
    try {
      const file = await viewer.newPage();
      await file.goto(`file://${svgFile}`);
      const drawn = await file.evaluate(() => {
        const svg = document.querySelector('svg');
        const box = svg.querySelector('.tp-box');
        return {
          nodes: svg.querySelectorAll('.topology-node').length,
          boxFill: getComputedStyle(box).fill,
          line: !!svg.querySelector('.tp-firewall'),
          // Opened as a file, the browser's XML parser read it: an error would be its document.
          errors: document.querySelector('parsererror') !== null,
        };
      });
      assert.equal(drawn.nodes, onPage);
      assert.equal(drawn.boxFill, 'rgb(255, 255, 255)', 'the file is light even in a dark browser');
      assert.ok(drawn.line && !drawn.errors);
    } finally {
      await viewer.close();
    }
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.getAttribute('width') };
    }, svgText);
    assert.equal(parsed.error, null, 'the file is well-formed XML');
    assert.equal(Number(parsed.root), viewBox[2]);

    const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#topology-png').click()]);
    assert.equal(pngDownload.suggestedFilename(), 'palette-topology.png');
    const png = readFileSync(await pngDownload.path());
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG file');
    assert.equal(png.readUInt32BE(16), Math.ceil(viewBox[2] * 2), 'twice the picture wide');
    assert.equal(png.readUInt32BE(20), Math.ceil(viewBox[3] * 2), 'twice the picture high');
    // Its pixels: mostly white paper, with the boxes' outlines and the red firewall line drawn.
    const pixels = await page.evaluate(async (data) => {
      const image = new Image();
      image.src = `data:image/png;base64,${data}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [image.width, image.height];
      const ctx = canvas.getContext('2d');
      ctx.drawImage(image, 0, 0);
      const { data: px } = ctx.getImageData(0, 0, image.width, image.height);
      let white = 0;
      let red = 0;
      let dark = 0;
      for (let i = 0; i < px.length; i += 4) {
        const [r, g, b] = [px[i], px[i + 1], px[i + 2]];
        if (r > 245 && g > 245 && b > 245) white += 1;
        if (r > 150 && g < 60 && b < 60) red += 1;
        if (r < 80 && g < 80 && b < 80) dark += 1;
      }
      return { total: px.length / 4, white, red, dark };
    }, png.toString('base64'));
    assert.ok(pixels.white / pixels.total > 0.5, `light paper: ${JSON.stringify(pixels)}`);
    assert.ok(pixels.red > 500, `the firewall line is drawn: ${JSON.stringify(pixels)}`);
    assert.ok(pixels.dark > 2000, `text and outlines are drawn: ${JSON.stringify(pixels)}`);
    assert.equal(await page.locator('#topology-export-status').textContent(), '');
  });
});
