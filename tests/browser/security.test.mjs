// What comes from outside is text, and secrets stay where they belong, in Debian's Chromium
// (headless). A catalog whose names, authors, tags and descriptions carry markup, and a USB
// printer that answers with markup, are shown as the characters they are: nothing runs and
// no element is made of them. A printer's API key and a WebDAV password are typed into the
// app and used; then every export (G-code, the 3MF project, the exported preset), the page's
// log and its storage are searched for them. Run by scripts/test.sh with the other browser
// tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, URL, ready, useBrowser } from './env.mjs';
import { fakeSerial } from './fake-serial.mjs';

const session = useBrowser();
const errors = [];

/** Markup that would run if the page took it as HTML. */
const PAYLOAD = '<img src=x onerror="window.__ran=1"><script>window.__ran=2</script>';

/** A binary STL of a 20 mm cube. */
function cubeStl() {
  const v = [[0, 0, 0], [20, 0, 0], [20, 20, 0], [0, 20, 0], [0, 0, 20], [20, 0, 20], [20, 20, 20], [0, 20, 20]];
  const faces = [[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4], [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]];
  const b = Buffer.alloc(84 + 50 * faces.length);
  b.writeUInt32LE(faces.length, 80);
  faces.forEach((f, i) => f.forEach((k, j) => v[k].forEach((c, a) => b.writeFloatLE(c, 84 + 50 * i + 12 + 12 * j + 4 * a))));
  return b;
}

/** A server for the hostile catalog and its model; records every request's headers. */
async function hostileServer() {
  const stl = cubeStl();
  const catalog = {
    format: 'lamina-catalog/1',
    name: `Catalog ${PAYLOAD}`,
    description: PAYLOAD,
    report: 'javascript:window.__ran=3',
    models: [{
      id: 'evil',
      name: `Cube ${PAYLOAD}`,
      author: PAYLOAD,
      licence: PAYLOAD,
      tags: [PAYLOAD, 'cube'],
      description: `A cube. ${PAYLOAD}`,
      thumbnail: 'x" onerror="window.__ran=4',
      files: [{ url: 'cube.stl', size: stl.length, sha256: createHash('sha256').update(stl).digest('hex') }],
      created: '2026-12-01',
    }],
  };
  const requests = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url, method: req.method, headers: req.headers });
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': '*' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
    } else if (req.url === '/evil.json') {
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
      res.end(JSON.stringify(catalog));
    } else if (req.url === '/cube.stl') {
      res.writeHead(200, { ...cors, 'Content-Type': 'model/stl' });
      res.end(stl);
    } else {
      res.writeHead(404, cors);
      res.end();
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return { server, requests, base: `http://127.0.0.1:${server.address().port}` };
}

/** Nothing the payloads carry became an element or ran. */
async function nothingRan(p) {
  return p.evaluate(() => ({
    ran: window.__ran ?? null,
    handlers: document.querySelectorAll('[onerror], [onload]').length,
    images: [...document.images].filter((i) => i.getAttribute('src') === 'x').length,
    scripts: [...document.scripts].filter((s) => s.textContent.includes('__ran')).length,
  }));
}

test('markup from a catalog and from a printer is shown as text and never runs', { timeout: 300_000 }, async () => {
  const { server, base } = await hostileServer();
  const context = await session.browser.newContext({ viewport: { width: 1366, height: 768 } });
  try {
    await context.addInitScript(fakeSerial, { hostile: true });
    const p = await context.newPage();
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(URL);
    await ready(p);

    await p.click('#library-button');
    await p.waitForFunction(() => document.querySelectorAll('.library-grid .model-card').length === 3, null, { timeout: 30_000 });
    await p.click('.library-sources summary');
    await p.fill('#library-source-url', `${base}/evil.json`);
    await p.click('#library-add-source');
    await p.waitForSelector('.model-card[data-id=evil]', { timeout: 30_000 });
    assert.equal(await p.textContent('.model-card[data-id=evil] .model-name'), `Cube ${PAYLOAD}`);
    await p.click('.model-card[data-id=evil] .model-open');
    assert.match(await p.textContent('.model-meta'), /by <img src=x onerror=/);
    assert.equal(await p.textContent('.model-description'), `A cube. ${PAYLOAD}`);
    assert.equal(await p.locator('.model-page .report').count(), 0, 'a javascript: report address is no link');
    await p.click('.add-to-bed');
    await p.waitForFunction(() => document.querySelector('.object-list')?.textContent.includes('onerror'), null, { timeout: 30_000 });
    writeFileSync(join(ARTIFACTS, 'security-01-catalog.png'), await p.screenshot());
    await p.click('.model-back');
    await p.click('#library-button');

    // The printer's firmware name, echoes and errors carry markup too.
    await p.click('#printer-button');
    await p.click('#usb-connect');
    await p.waitForFunction(() => document.querySelector('#usb-state')?.textContent === 'Ready', null, { timeout: 30_000 });
    assert.match(await p.textContent('.firmware'), /Marlin <img src=x onerror=/);
    await p.fill('#usb-command', 'G28');
    await p.press('#usb-command', 'Enter');
    await p.waitForFunction(() => document.querySelector('#usb-console')?.textContent.includes('echo:<img'));
    await p.fill('#usb-command', 'M999');
    await p.press('#usb-command', 'Enter');
    await p.waitForFunction(() => /^Stopped: .*<script>/.test(document.querySelector('#usb-state')?.textContent ?? ''), null, { timeout: 30_000 });
    writeFileSync(join(ARTIFACTS, 'security-02-printer.png'), await p.screenshot());
    assert.deepEqual(await nothingRan(p), { ran: null, handlers: 0, images: 0, scripts: 0 });
  } finally {
    await context.close();
    server.closeAllConnections();
    server.close();
  }
});

test('API keys and WebDAV passwords are in no export, log or stored project', { timeout: 300_000 }, async () => {
  const KEY = 'K3Y-5ecret-0451-lamina';
  const PASSWORD = 'pa55-5ecret-0451-lamina';
  const { server, requests, base } = await hostileServer();
  const context = await session.browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const logged = [];
  try {
    const p = await context.newPage();
    p.on('pageerror', (e) => errors.push(e.message));
    p.on('console', (m) => logged.push(m.text()));
    p.on('dialog', (d) => d.accept());
    await p.goto(URL);
    await ready(p);

    // A network printer with a key (its address answers nothing useful, which is fine: the
    // key is kept with the printer and sent only to it).
    await p.click('#printer-button');
    await p.click('#tab-network');
    await p.selectOption('#lan-kind', 'octoprint');
    await p.fill('#lan-address', base.replace('http://', ''));
    await p.fill('#lan-key', KEY);
    await p.fill('#lan-name', 'Shop printer');
    await p.click('#lan-add');
    await p.waitForFunction(() => document.querySelector('#lan-devices')?.textContent.includes('Shop printer'), null, { timeout: 30_000 });
    for (let i = 0; i < 100 && !requests.some((r) => r.headers['x-api-key'] === KEY); i++) await p.waitForTimeout(100);
    await p.click('#printer-button');

    // A publish with a password (the server says no).
    await p.click('#library-button');
    await p.click('.library-publish summary');
    await p.selectOption('#publish-from', { index: 1 });
    await p.fill('#publish-name', 'Cube');
    await p.fill('#publish-author', 'Me');
    await p.fill('#publish-licence', 'CC0-1.0');
    await p.fill('#publish-folder', `${base}/dav/models`);
    await p.fill('#publish-user', 'maker');
    await p.fill('#publish-password', PASSWORD);
    await p.fill('#publish-public', `${base}/pub/models/catalog.json`);
    await p.click('#publish-send');
    await p.waitForFunction(() => /Not published/.test(document.querySelector('#publish-status')?.textContent ?? ''), null, { timeout: 60_000 });
    await p.click('#library-button');
    const auth = Buffer.from(`maker:${PASSWORD}`).toString('base64');
    assert.ok(requests.some((r) => r.url.startsWith('/dav/') && r.headers.authorization === `Basic ${auth}`), 'the password went to the WebDAV server');
    assert.ok(requests.some((r) => r.headers['x-api-key'] === KEY), 'the key went to the printer');

    // Every export.
    const exports = {};
    await p.click('#slice-button');
    await p.waitForSelector('#download-button', { timeout: 300_000 });
    const grab = async (name, click) => {
      const [download] = await Promise.all([p.waitForEvent('download'), click()]);
      const file = join(ARTIFACTS, `security-${name}`);
      await download.saveAs(file);
      exports[name] = readFileSync(file);
    };
    await grab('print.gcode', () => p.click('#download-button'));
    await p.click('#projects-button');
    await p.waitForSelector('.projects-panel');
    await grab('project.3mf', () => p.click('#save-3mf'));
    await p.click('#projects-button');
    await p.fill('#setting-fill_density', '30');
    await p.press('#setting-fill_density', 'Enter');
    await p.fill('.save-preset input', 'Mine');
    await p.click('.save-preset button');
    await grab('preset.toml', () => p.click('#export-preset'));
    // Stored projects and presets (the printer list is the one place the key is kept).
    const stored = await p.evaluate(async () => {
      const out = {};
      for (const info of await indexedDB.databases()) {
        const db = await new Promise((ok, no) => { const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = no; });
        for (const name of db.objectStoreNames) {
          const all = await new Promise((ok, no) => { const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => ok(r.result); r.onerror = no; });
          const text = JSON.stringify(all, (k, v) => (v instanceof Uint8Array || v instanceof ArrayBuffer ? `[${v.byteLength} bytes]` : v));
          out[`${info.name}/${name}`] = text;
        }
        db.close();
      }
      out.localStorage = JSON.stringify({ ...localStorage });
      return out;
    });
    for (const [name, bytes] of Object.entries(exports)) {
      // The 3MF is a ZIP of deflated files: look inside as well as at the bytes.
      const text = name.endsWith('.3mf') ? await unzipText(p, bytes) : bytes.toString('latin1');
      for (const secret of [KEY, PASSWORD, auth]) assert.ok(!text.includes(secret), `${name} holds a secret`);
    }
    for (const [name, text] of Object.entries(stored)) {
      assert.ok(!text.includes(PASSWORD) && !text.includes(auth), `${name} holds the password`);
      if (!/devices/i.test(name)) assert.ok(!text.includes(KEY), `${name} holds the API key`);
    }
    assert.ok(Object.entries(stored).some(([n, t]) => /devices/i.test(n) && t.includes(KEY)), 'the printer list keeps its key');
    for (const line of logged) for (const secret of [KEY, PASSWORD, auth]) assert.ok(!line.includes(secret), `the log shows a secret: ${line}`);
  } finally {
    await context.close();
    server.closeAllConnections();
    server.close();
  }
});

/** The text of every file in a ZIP, inflated by the page's DecompressionStream. */
async function unzipText(p, bytes) {
  return p.evaluate(async (b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const view = new DataView(data.buffer);
    let text = '';
    for (let i = 0; i + 30 <= data.length;) {
      if (view.getUint32(i, true) !== 0x04034b50) break;
      const method = view.getUint16(i + 8, true);
      const size = view.getUint32(i + 18, true);
      const nameLen = view.getUint16(i + 26, true);
      const extra = view.getUint16(i + 28, true);
      const start = i + 30 + nameLen + extra;
      const body = data.subarray(start, start + size);
      if (method === 8) {
        const stream = new Blob([body]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
        text += await new Response(stream).text();
      } else {
        text += new TextDecoder().decode(body);
      }
      i = start + size;
    }
    return text;
  }, bytes.toString('base64'));
}

test('no errors were logged', () => {
  assert.deepEqual(errors, []);
});
