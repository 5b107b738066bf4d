// Projects, presets and offline use of the Lamina web app in Debian's Chromium (headless):
// projects kept in IndexedDB across reloads, one tab saving a project at a time, the project list, 3MF export and import in a
// fresh profile, user presets, G-code history, a full disk, working offline, installing and
// the "new version" prompt. Run by scripts/test.sh like app.test.mjs:
//   LAMINA_URL=http://127.0.0.1:PORT/ LAMINA_DIST=dist LAMINA_SHARED=../shared node --test tests/browser/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { ARTIFACTS, BASE_ARGS, DIST, SHARED, URL, openPage, ready, saved, useBrowser } from './env.mjs';

const session = useBrowser();
const errors = [];

/** A fresh profile (its own IndexedDB, caches and service worker). */
async function profile() {
  return session.browser.newContext({ viewport: { width: 1400, height: 850 }, acceptDownloads: true });
}

const open = (context, url = URL) => openPage(context, errors, url);

async function addModel(p, file) {
  const name = file.replace(/\.[^.]+$/, '');
  await p.setInputFiles('#file-input', join(SHARED, 'models', file));
  await p.waitForFunction((n) => document.querySelector('.object-list')?.textContent.includes(n), name, { timeout: 120_000 });
}

/** Name, size and placement (X, Y, rotation Z) of every object, read from the panels. */
async function placement(p) {
  const rows = await p.locator('.object').count();
  const out = [];
  for (let i = 0; i < rows; i++) {
    const row = p.locator('.object').nth(i);
    await row.click();
    const inputs = p.locator('.transform .number input');
    out.push({
      name: await row.locator('.name').textContent(),
      meta: await row.locator('.meta').textContent(),
      x: Number(await inputs.nth(0).inputValue()).toFixed(2),
      y: Number(await inputs.nth(1).inputValue()).toFixed(2),
      rz: Number(await inputs.nth(4).inputValue()).toFixed(1),
    });
  }
  return out;
}

async function setNumber(p, label, value) {
  const input = p.locator('.transform .number', { hasText: label }).first().locator('input');
  await input.fill(String(value));
  await input.press('Enter');
}

async function objectNames(p) {
  return p.locator('.object .name').allTextContents();
}

async function openPanel(p) {
  if (!(await p.locator('.projects-panel').count())) await p.click('#projects-button');
  await p.waitForSelector('.projects-panel');
}

async function cards(p) {
  await openPanel(p);
  return p.locator('.project-card .card-name').evaluateAll((els) => els.map((e) => e.value));
}

test('a project with two models comes back after a reload, placed the same', async () => {
  const context = await profile();
  try {
    const p = await open(context);
    assert.deepEqual(await objectNames(p), ['Calibration cube']);
    await addModel(p, 'small_dorito.obj');
    await p.locator('.object', { hasText: 'small_dorito' }).click();
    await setNumber(p, 'X', 60);
    await setNumber(p, 'Rot Z', 30);
    await p.fill('#project-name', 'Dorito and cube');
    await p.press('#project-name', 'Enter');
    await saved(p);
    const before = await placement(p);
    assert.equal(before.length, 2);
    assert.equal(before[1].x, '60.00');

    await p.reload();
    await ready(p);
    assert.deepEqual(await placement(p), before);
    assert.equal(await p.inputValue('#project-name'), 'Dorito and cube');
    assert.equal(await p.textContent('#save-state'), 'Saved');
    writeFileSync(join(ARTIFACTS, 'projects-01-reloaded.png'), await p.screenshot());
  } finally {
    await context.close();
  }
});

test('a project open in two tabs is saved by one of them until the other takes it over', async () => {
  const context = await profile();
  try {
    const a = await open(context);
    await saved(a);
    const b = await open(context);
    await b.waitForFunction(() => document.querySelector('#save-state')?.textContent === 'Open in another tab');
    // Changes in the second tab are not saved over the first tab's project.
    await addModel(b, 'small_dorito.obj');
    await b.waitForTimeout(1500);
    assert.equal(await b.textContent('#save-state'), 'Open in another tab');
    await a.reload();
    await ready(a);
    assert.deepEqual(await objectNames(a), ['Calibration cube'], 'the first tab kept the project');
    // Taken over, the second tab saves, and the first tab stops.
    await b.click('#take-over');
    await saved(b);
    await a.waitForFunction(() => document.querySelector('#save-state')?.textContent === 'Open in another tab');
    await a.close();
    const c = await open(context);
    assert.deepEqual((await objectNames(c)).sort(), ['Calibration cube', 'small_dorito']);
  } finally {
    await context.close();
  }
});

test('projects are listed with a thumbnail, and can be renamed, duplicated and deleted', async () => {
  const context = await profile();
  try {
    const p = await open(context);
    await addModel(p, 'bridge.obj');
    await saved(p);
    assert.deepEqual(await cards(p), ['Untitled']);
    const thumb = await p.getAttribute('.project-card img', 'src');
    assert.match(thumb, /^data:image\/png;base64,/);
    assert.match(await p.textContent('#storage-usage'), /of .* used/);

    await p.click('.project-card .duplicate');
    await p.waitForFunction(() => document.querySelectorAll('.project-card').length === 2);
    assert.deepEqual((await cards(p)).sort(), ['Untitled', 'Untitled (copy)']);
    const copy = p.locator('.project-card', { has: p.locator('input[value="Untitled (copy)"]') });
    await copy.locator('.card-name').fill('Bridge test');
    await copy.locator('.card-name').press('Enter');
    await p.waitForFunction(() => [...document.querySelectorAll('.card-name')].some((e) => e.value === 'Bridge test'));
    writeFileSync(join(ARTIFACTS, 'projects-02-list.png'), await p.screenshot());

    // A new project starts empty; the others stay.
    await p.click('#new-project');
    await p.waitForFunction(() => document.querySelectorAll('.object').length === 0);
    await saved(p);
    assert.equal((await cards(p)).length, 3);

    // Open the renamed copy: its two models are back.
    await p.locator('.project-card', { has: p.locator('input[value="Bridge test"]') }).locator('.open').click();
    await p.waitForFunction(() => document.querySelectorAll('.object').length === 2);
    assert.equal(await p.inputValue('#project-name'), 'Bridge test');
    assert.deepEqual(await objectNames(p), ['Calibration cube', 'bridge']);

    // Delete it (the open one): another project opens, the list has two.
    await openPanel(p);
    await p.locator('.project-card', { has: p.locator('input[value="Bridge test"]') }).locator('.delete').click();
    await p.waitForSelector('.message >> text=Deleted the project "Bridge test".');
    await p.waitForFunction(() => document.querySelector('#project-name').value !== 'Bridge test');
    assert.deepEqual((await cards(p)).sort(), ['Untitled', 'Untitled']);
    await p.reload();
    await ready(p);
    assert.deepEqual((await cards(p)).sort(), ['Untitled', 'Untitled']);
  } finally {
    await context.close();
  }
});

test('a project saved as 3MF opens in a fresh profile with the same scene and settings', async () => {
  const a = await profile();
  const b = await profile();
  try {
    const p = await open(a);
    await addModel(p, 'ipadstand.obj');
    await p.locator('.object', { hasText: 'ipadstand' }).click();
    await setNumber(p, 'Y', 140);
    await setNumber(p, 'Rot Z', 90);
    await p.fill('#setting-fill_density', '35');
    await p.press('#setting-fill_density', 'Enter');
    await p.fill('#project-name', 'Stand');
    await p.press('#project-name', 'Enter');
    await saved(p);
    const scene = await placement(p);
    await openPanel(p);
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#save-3mf')]);
    assert.equal(download.suggestedFilename(), 'Stand.3mf');
    const file = join(ARTIFACTS, 'Stand.3mf');
    await download.saveAs(file);
    // PrusaSlicer reads the geometry.
    const info = execFileSync('prusa-slicer', ['--info', file]).toString();
    assert.match(info, /number_of_facets = 56/);
    assert.match(info, /number_of_facets = 12/);

    const q = await open(b);
    await q.setInputFiles('#file-input', file);
    await q.waitForFunction(() => document.querySelector('#project-name')?.value === 'Stand', null, { timeout: 60_000 });
    await q.waitForSelector('.message >> text=opened as a project');
    assert.deepEqual(await placement(q), scene);
    assert.equal(await q.inputValue('#setting-fill_density'), '35');
    await saved(q);
    assert.deepEqual((await cards(q)).sort(), ['Stand', 'Untitled']);
  } finally {
    await a.close();
    await b.close();
  }
});

test('user presets are kept, exported, imported from PrusaSlicer and deleted', async () => {
  const context = await profile();
  try {
    const p = await open(context);
    await p.fill('#setting-fill_density', '42');
    await p.press('#setting-fill_density', 'Enter');
    await p.fill('.save-preset input', 'Dense');
    await p.click('.save-preset button');
    await saved(p);
    await p.reload();
    await ready(p);
    assert.equal(await p.$eval('#preset-process', (s) => s.selectedOptions[0].textContent), 'Dense (yours)');
    assert.equal(await p.inputValue('#setting-fill_density'), '42');

    // Export, then import the file back as a second preset.
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#export-preset')]);
    const file = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(file);
    assert.match(readFileSync(file, 'utf8'), /fill_density = "42"/);

    // A PrusaSlicer bundle: three presets, with the keys Lamina does not use named.
    await p.setInputFiles('#preset-input', join('tests', 'data', 'prusa-bundle.ini'));
    await p.waitForSelector('.message >> text=imported the process preset');
    assert.match(await p.locator('.messages').textContent(), /ignored: .*wipe_tower/);
    const processes = await p.$eval('#preset-process', (s) => [...s.options].map((o) => o.textContent));
    assert.ok(processes.some((n) => n.includes('0.15mm QUALITY @MINE')), processes.join(', '));
    assert.equal(await p.inputValue('#setting-layer_height'), '0.15');

    // Delete the Dense preset.
    await p.selectOption('#preset-process', { label: 'Dense (yours)' });
    await p.click('#delete-preset');
    await p.waitForSelector('.message >> text=Deleted the preset "Dense (yours)".');
    await p.reload();
    await ready(p);
    const after = await p.$eval('#preset-process', (s) => [...s.options].map((o) => o.textContent));
    assert.ok(!after.includes('Dense (yours)'));
    assert.ok(after.some((n) => n.includes('0.15mm QUALITY @MINE')));
  } finally {
    await context.close();
  }
});

test('slices are kept with the project and download again after a reload', async () => {
  const context = await profile();
  try {
    const p = await open(context);
    await p.click('#slice-button');
    await p.waitForSelector('#download-button', { timeout: 300_000 });
    // Recent slices are in the Projects panel.
    await p.click('#projects-button');
    await p.waitForSelector('#slice-history li');
    await p.reload();
    await ready(p);
    await p.click('#projects-button');
    await p.waitForSelector('#slice-history li');
    assert.match(await p.textContent('#slice-history'), /Ender-3 V3 SE/);
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#slice-history .download')]);
    const file = join(ARTIFACTS, 'history.gcode');
    await download.saveAs(file);
    assert.match(readFileSync(file, 'utf8'), /generated by Lamina/);
  } finally {
    await context.close();
  }
});

test('a full disk shows what to do, keeps the saved project and the work, and saves once there is room', async () => {
  const context = await profile();
  // A disk that fills up: Chromium lets the writes through and aborts the transaction when
  // it commits. (Its quota override for tests does not reach IndexedDB, and filling the real
  // disk is no test, so the page's IndexedDB does this for large writes once the test says.)
  await context.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (value, key) {
      const request = put.call(this, value, key);
      if (globalThis.__diskLeft !== undefined && value instanceof Uint8Array && value.byteLength > globalThis.__diskLeft) {
        request.addEventListener('success', () => this.transaction.abort());
      }
      return request;
    };
  });
  try {
    const p = await open(context);
    await saved(p);
    await p.evaluate(() => { globalThis.__diskLeft = 500_000; });
    await p.setInputFiles('#file-input', join(SHARED, 'models', '3DBenchy.3mf'));
    await p.waitForSelector('.message.error >> text=storage for Lamina is full', { timeout: 120_000 });
    assert.match(await p.locator('.message.error').last().textContent(), /delete projects or old G-code you no longer need/);
    assert.equal(await p.textContent('#save-state'), 'Not saved');
    writeFileSync(join(ARTIFACTS, 'projects-03-full.png'), await p.screenshot());
    // Nothing is lost: the work stays on the page, and the earlier version is whole (a
    // second tab opens it).
    assert.deepEqual(await objectNames(p), ['Calibration cube', '3DBenchy']);
    const other = await open(context);
    assert.deepEqual(await objectNames(other), ['Calibration cube']);
    await other.close();
    // Room again: the next change saves everything.
    await p.evaluate(() => { globalThis.__diskLeft = undefined; });
    await p.fill('#setting-fill_density', '30');
    await p.press('#setting-fill_density', 'Enter');
    await saved(p);
    await p.reload();
    await ready(p);
    assert.deepEqual(await objectNames(p), ['Calibration cube', '3DBenchy']);
    assert.equal(await p.textContent('#save-state'), 'Saved');
  } finally {
    await context.close();
  }
});

test('offline: the app reloads, slices and downloads with no network', async () => {
  const context = await profile();
  try {
    const p = await open(context);
    await p.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
      }
    });
    await context.setOffline(true);
    await p.reload();
    await ready(p);
    await addModel(p, 'cube_with_hole.obj');
    await p.click('#slice-button');
    await p.waitForSelector('#download-button', { timeout: 300_000 });
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#download-button')]);
    const file = join(ARTIFACTS, 'offline.gcode');
    await download.saveAs(file);
    assert.match(readFileSync(file, 'utf8'), /generated by Lamina/);
    writeFileSync(join(ARTIFACTS, 'projects-04-offline.png'), await p.screenshot());
  } finally {
    await context.close();
  }
});

test('the app is installable', async () => {
  // Not in an incognito-like context: Chromium installs apps only into a real profile.
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'lamina-profile-')), {
    executablePath: '/usr/bin/chromium', headless: true, args: [...BASE_ARGS, '--disable-gpu'], viewport: { width: 1400, height: 850 },
  });
  try {
    const p = await open(context);
    await p.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await context.newCDPSession(p);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, []);
    const manifest = await cdp.send('Page.getAppManifest');
    assert.match(manifest.data, /"display": "standalone"/);
  } finally {
    await context.close();
  }
});

/** Serves a directory on a free loopback port; with `precompressed`, a file's `.gz` copy
 * as `Content-Encoding: gzip` where there is one and the request accepts gzip. */
async function serve(dir, precompressed = false) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.webmanifest': 'application/manifest+json' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new globalThis.URL(req.url, 'http://x').pathname);
    try {
      const file = join(dir, path.endsWith('/') ? path + 'index.html' : path);
      const headers = { 'content-type': types[extname(path)] ?? 'text/html', 'cache-control': 'no-cache' };
      const gzipped = precompressed && /gzip/.test(req.headers['accept-encoding'] ?? '') && existsSync(`${file}.gz`);
      if (gzipped) headers['content-encoding'] = 'gzip';
      const body = readFileSync(gzipped ? `${file}.gz` : file);
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

test('a new version shows a prompt, and Reload brings it in', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamina-dist-'));
  cpSync(DIST, dir, { recursive: true });
  const { server, url } = await serve(dir);
  const context = await profile();
  try {
    const p = await open(context, url);
    await p.evaluate(() => navigator.serviceWorker.ready);
    await p.reload();
    await ready(p);
    assert.equal(await p.locator('#update-banner').count(), 0);
    // Deploy a "new version": the service worker changes.
    appendFileSync(join(dir, 'sw.js'), '\n// next version\n');
    await p.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await p.waitForSelector('#update-banner', { timeout: 60_000 });
    assert.match(await p.textContent('#update-banner'), /new version of Lamina/);
    writeFileSync(join(ARTIFACTS, 'projects-05-update.png'), await p.screenshot());
    await Promise.all([p.waitForEvent('load'), p.click('#update-banner button.primary')]);
    await ready(p);
    assert.equal(await p.locator('#update-banner').count(), 0);
  } finally {
    await context.close();
    server.close();
  }
});

test('served precompressed, the app opens, caches itself and slices', async () => {
  const { server, url } = await serve(DIST, true);
  const context = await profile();
  try {
    const encodings = {};
    context.on('response', (r) => {
      const name = new globalThis.URL(r.url()).pathname;
      if (/\.(wasm|js)$/.test(name)) encodings[extname(name)] = r.headers()['content-encoding'];
    });
    const p = await open(context, url);
    await p.evaluate(() => navigator.serviceWorker.ready);
    assert.equal(encodings['.wasm'], 'gzip', JSON.stringify(encodings));
    assert.equal(encodings['.js'], 'gzip', JSON.stringify(encodings));
    // The module came compressed and works: the demo cube slices.
    await p.click('#slice-button');
    await p.waitForSelector('#download-button', { timeout: 300_000 });
    // Offline from the cache: the same page opens again with the server gone.
    server.close();
    server.closeAllConnections();
    await p.reload();
    await ready(p);
  } finally {
    await context.close();
    server.close();
  }
});

test('no errors were logged', () => {
  assert.deepEqual(errors, []);
});
