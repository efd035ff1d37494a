#!/usr/bin/env node
// Builds the offline bundle for air-gapped sites: one HTML file holding the app's wasm, its
// JavaScript, its CSS and icon, that works when opened from file:// with no network at all.
// Browsers refuse module scripts and fetches from file:// pages, so the wasm-bindgen module is
// turned into an inline classic script and the wasm is instantiated from inlined bytes.
//
// Usage: node scripts/offline-bundle.mjs [DIST] [OUT]   (defaults: dist, dist-offline/palette-portcheck.html)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

const dist = process.argv[2] ?? 'dist';
const out = process.argv[3] ?? 'dist-offline/palette-portcheck.html';

function fail(message) {
  console.error(`offline-bundle: ${message}`);
  process.exit(1);
}

function asset(html, pattern, what) {
  const match = html.match(pattern);
  if (!match) fail(`${dist}/index.html has no ${what}: build the app first (make app)`);
  return join(dist, match[1].replace(/^\//, ''));
}

const html = readFileSync(join(dist, 'index.html'), 'utf8');
const cssPath = asset(html, /<link rel="stylesheet" href="([^"]+\.css)"/, 'stylesheet');
const jsPath = asset(html, /import init, \* as bindings from '([^']+\.js)'/, 'wasm-bindgen loader');
const wasmPath = asset(html, /module_or_path: '([^']+\.wasm)'/, 'wasm module');
const iconPath = asset(html, /<link rel="icon" type="image\/svg\+xml" href="([^"]+)"/, 'icon');

// An ES module as part of a classic script: its exports become plain declarations in a closure.
const unexport = (code) => code
  .replace(/^export (class|function|async function|const|let) /gm, '$1 ')
  .replace(/^export \{[^}]*\};?\s*$/gm, '')
  .replaceAll('import.meta.url', 'document.baseURI');

// Each wasm module travels gzip-compressed (a third of its size) and the browser inflates it
// while compiling: DecompressionStream, in every browser since 2023.
const packed = (path) => gzipSync(readFileSync(path), { level: 9 }).toString('base64');

let js = readFileSync(jsPath, 'utf8');
// The release app loads its engine as a second wasm module (scripts/split-app.mjs) through a
// loader module that imports the main one and fetches the part. Here both modules share the
// closure and the part comes from the page itself.
const split = js.match(/^import \* as (\w+) from "\.\/(__wasm_split-[^"]+\.js)";?$/m);
const parts = {};
if (split) {
  const [line, alias, loaderFile] = split;
  let loader = readFileSync(join(dist, loaderFile), 'utf8')
    .replace(/^import \{ initSync \} from "[^"]+";?$/m, '')
    .replace(/fetch\(new URL\("\.\/([^"]+\.wasm)", import\.meta\.url\)\)/g, (_, part) => {
      parts[part] = packed(join(dist, part));
      return `Promise.resolve(inflate(parts[${JSON.stringify(part)}]))`;
    });
  if (Object.keys(parts).length === 0 || /\bfetch\(/.test(loader)) {
    fail(`${loaderFile} fetches its wasm parts in a way this script does not know; update scripts/offline-bundle.mjs`);
  }
  const names = [...loader.matchAll(/^export const (\w+) =/gm)].map((m) => m[1]);
  // A function, so that no `$` in the loader's code is read as a replacement pattern.
  js = js.replace(line, () => `${unexport(loader)}\nconst ${alias} = { ${names.join(', ')} };`);
}
js = unexport(js);
if (/^\s*(import|export)\b|\bimport\s*\(/m.test(js)) {
  fail(`${jsPath} imports or exports something this script does not inline; update scripts/offline-bundle.mjs`);
}
// Nothing inside an inline script may end it early.
js = js.replaceAll('</script', '<\\/script');

const wasm = packed(wasmPath);
const css = readFileSync(cssPath, 'utf8').replaceAll('</style', '<\\/style');
const icon = readFileSync(iconPath).toString('base64');

const script = `
(function () {
${js}
if (typeof DecompressionStream === 'undefined') {
  document.body.insertAdjacentHTML('beforeend', '<p role="alert">This browser is too old for the offline checker: it needs DecompressionStream (Chrome or Edge 80, Firefox 113, Safari 16.4 or later).</p>');
  return;
}
function inflate(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(inflated, { headers: { 'Content-Type': 'application/wasm' } });
}
const parts = ${JSON.stringify(parts)};
__wbg_init({ module_or_path: inflate("${wasm}") });
})();
`;

// The file pairs with a probe that opens sockets, so it runs nothing but its own script and
// style (by hash) and talks to nothing but WebSocket endpoints (the probe's address is the
// user's to choose, so any ws: one). A meta policy cannot set frame-ancestors; a file:// page
// cannot be framed by a web page anyway.
const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const policy = [
  "default-src 'none'",
  `script-src ${sha256(script)} 'wasm-unsafe-eval'`,
  `style-src ${sha256(css)}`,
  'img-src data:',
  'connect-src ws:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy" content="${policy}" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <title>Palette port check (offline)</title>
    <link rel="icon" type="image/svg+xml" href="data:image/svg+xml;base64,${icon}" />
    <style>${css}</style>
  </head>
  <body class="bg-white text-slate-900 dark:bg-slate-900 dark:text-slate-100">
    <noscript>Palette port check needs JavaScript and WebAssembly.</noscript>
    <script>${script}</script>
  </body>
</html>
`;

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, page);
const modules = 1 + Object.keys(parts).length;
console.log(`offline-bundle: ${out} (${page.length} bytes; ${modules} wasm module(s) inlined gzip-compressed)`);
