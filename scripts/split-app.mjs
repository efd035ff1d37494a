#!/usr/bin/env node
// Trunk's post_build hook (Trunk.toml): splits the release app into the wasm module the page
// loads first (the questionnaire) and the module it fetches the first time a checklist is
// wanted (the engine, its rule base and the result views: app/src/engine.rs). A build without
// the split point (tests, `trunk serve`) is left exactly as Trunk made it.
//
// A split must happen between cargo and wasm-bindgen (wasm-bindgen drops the relocations it
// needs), and Trunk has no step there (trunk-rs/trunk#1022). So this hook starts again from
// cargo's output: wasm-split-cli cuts it, wasm-bindgen binds the main part, wasm-opt shrinks
// every part as Trunk would, and the results take the names and integrity hashes that Trunk
// wrote into index.html. The chunks and the loader get names from their own content, so a
// browser never mixes a cached part with a new one.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function fail(message) {
  console.error(`split-app: ${message}`);
  process.exit(1);
}

function replaceOnce(text, from, to, where) {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) {
    fail(`expected ${JSON.stringify(from)} once in ${where}; update scripts/split-app.mjs`);
  }
  return text.slice(0, at) + to + text.slice(at + from.length);
}

const run = (tool, args) => execFileSync(tool, args, { stdio: ['ignore', 'ignore', 'inherit'] });
const digest = (bytes, algorithm) => createHash(algorithm).update(bytes).digest();
const contentName = (stem, bytes, extension) =>
  `${stem}-${digest(bytes, 'sha256').toString('hex').slice(0, 16)}.${extension}`;

const staging = process.env.TRUNK_STAGING_DIR;
const source = process.env.TRUNK_HTML_FILE;
if (!staging || !source) fail('run by Trunk as a post_build hook (see Trunk.toml), not by hand');

const htmlPath = join(staging, 'index.html');
let html = readFileSync(htmlPath, 'utf8');
const jsFile = html.match(/import init, \* as bindings from '\/([^']+\.js)'/)?.[1];
const wasmFile = html.match(/module_or_path: '\/([^']+\.wasm)'/)?.[1];
if (!jsFile || !wasmFile) fail(`${htmlPath} does not load a wasm-bindgen module as expected`);
// The import wasm-split's macro leaves for wasm-split-cli to resolve: present only when the
// app was compiled with its split point (--cfg portcheck_split).
if (!readFileSync(join(staging, jsFile), 'utf8').includes('__wasm_split_placeholder__')) process.exit(0);

// cargo's artifact, before wasm-bindgen: the crate and profile are the ones index.html names.
const sourceHtml = readFileSync(source, 'utf8');
const crate = sourceHtml.match(/data-bin="([^"]+)"/)?.[1];
const profile = process.env.TRUNK_PROFILE === 'release'
  ? sourceHtml.match(/data-cargo-profile-release="([^"]+)"/)?.[1] ?? 'release'
  : 'debug';
if (!crate) fail(`${source} names no data-bin`);
const metadata = JSON.parse(execFileSync('cargo', ['metadata', '--format-version=1', '--no-deps']));
const artifact = join(metadata.target_directory, 'wasm32-unknown-unknown', profile, `${crate}.wasm`);

const work = mkdtempSync(join(tmpdir(), 'portcheck-split-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const stem = jsFile.replace(/\.js$/, '');
const parts = join(work, 'parts');
const bound = join(work, 'bound');
run('wasm-split-cli', [artifact, parts, '--out-name', stem]);
// The part imports the main module's function table, which wasm-bindgen keeps exported
// only when asked.
run('wasm-bindgen', ['--target=web', `--out-dir=${bound}`, `--out-name=${stem}`, '--no-typescript', '--keep-lld-exports', join(parts, `${stem}.wasm`)]);
// -Oz as index.html's data-wasm-opt asks of Trunk.
run('wasm-opt', ['-Oz', join(bound, `${stem}_bg.wasm`), '-o', join(staging, wasmFile)]);

let loader = readFileSync(join(parts, '__wasm_split.js'), 'utf8');
const chunks = readdirSync(parts).filter((f) => f.endsWith('.wasm') && f !== `${stem}.wasm`);
if (chunks.length === 0) fail('wasm-split-cli found the placeholder import but made no chunk');
for (const chunk of chunks) {
  const optimised = join(work, chunk);
  run('wasm-opt', ['-Oz', join(parts, chunk), '-o', optimised]);
  const bytes = readFileSync(optimised);
  const name = contentName(chunk.replace(/\.wasm$/, ''), bytes, 'wasm');
  copyFileSync(optimised, join(staging, name));
  loader = replaceOnce(loader, `"./${chunk}"`, `"./${name}"`, 'the split loader');
}
const loaderFile = contentName('__wasm_split', loader, 'js');
writeFileSync(join(staging, loaderFile), loader);
const js = replaceOnce(
  readFileSync(join(bound, `${stem}.js`), 'utf8'),
  'from "./__wasm_split.js"',
  `from "./${loaderFile}"`,
  'the wasm-bindgen module',
);
writeFileSync(join(staging, jsFile), js);

// Trunk's integrity hashes were computed from the files just replaced.
const integrity = (file) =>
  `sha384-${digest(readFileSync(join(staging, file)), 'sha384').toString('base64')}`;
for (const file of [jsFile, wasmFile]) {
  const pinned = new RegExp(`(href="/${file.replaceAll('.', '\\.')}"[^>]*integrity=")[^"]+"`);
  if (!pinned.test(html)) fail(`${htmlPath} has no integrity hash for ${file}`);
  html = html.replace(pinned, `$1${integrity(file)}"`);
}
// The loader is imported by the main module: preloading it saves a round trip.
html = replaceOnce(
  html,
  '</head>',
  `<link rel="modulepreload" href="/${loaderFile}" crossorigin="anonymous" integrity="${integrity(loaderFile)}"></head>`,
  htmlPath,
);
writeFileSync(htmlPath, html);
// Trunk's own wasm-opt warned about a "linking section": that was the unsplit module, now replaced.
console.log(`split-app: ${wasmFile} loads first, ${chunks.length} part(s) on demand (replacing Trunk's unsplit module)`);
