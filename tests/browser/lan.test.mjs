// Network printers from the Lamina web app in Debian's Chromium (headless), against a real
// OctoPrint 1.11 (from PyPI) with its virtual printer on 127.0.0.1, started by the shared
// tools/printers/octoprint.sh with cross-origin calls allowed: add the printer (a wrong key
// is named as such), see its state and temperatures, send the sliced demo cube with an upload
// progress bar, watch progress move, pause and resume from the app, see the job finish, cancel
// a second one; the list survives a reload; a server that forbids cross-origin calls and an
// address where nothing answers get their own explanations; each API key goes only to its own
// printer; a real Moonraker (from PyPI, with no Klipper behind it, started by
// scripts/moonraker.sh) gets the file and Klipper's absence is named. Run by scripts/test.sh with the other browser tests (OCTO_HOME names OctoPrint's
// installation).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, SHARED, URL, launch, ready, freePort } from './env.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const OCTO_HOME = process.env.OCTO_HOME ?? join(ROOT, 'target/octoprint');
const MOONRAKER_HOME = process.env.MOONRAKER_HOME ?? join(ROOT, 'target/moonraker');
const moonraker = join(ROOT, 'scripts/moonraker.sh');
const script = join(SHARED, 'tools/printers/octoprint.sh');
let browser;
let octo; // { base, key }
let plain; // a web server that sends no CORS headers
const errors = [];

async function api(path, init = {}) {
  const r = await fetch(octo.base + path, { ...init, headers: { 'X-Api-Key': octo.key, ...(init.headers ?? {}) } });
  return r.json();
}

before(async () => {
  const port = await freePort();
  const out = execFileSync('bash', [script, 'start', String(port)], { env: { ...process.env, OCTO_HOME }, encoding: 'utf8', timeout: 240_000 });
  const [base, key] = out.trim().split(/\s+/);
  octo = { base, key };
  // The virtual printer connects in the background.
  for (let i = 0; ; i++) {
    const r = await fetch(`${base}/api/printer`, { headers: { 'X-Api-Key': key } });
    if (r.status === 200 && (await r.json()).state.text === 'Operational') break;
    assert.ok(i < 120, 'the virtual printer did not connect');
    await new Promise((r) => setTimeout(r, 500));
  }
  plain = createServer((req, res) => {
    res.writeHead(req.method === 'GET' ? 200 : 405, { 'Content-Type': 'text/plain' });
    res.end('a printer page without CORS');
  });
  await new Promise((done) => plain.listen(0, '127.0.0.1', done));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  plain?.closeAllConnections();
  plain?.close();
  execFileSync('bash', [script, 'stop'], { env: { ...process.env, OCTO_HOME } });
  execFileSync('bash', [moonraker, 'stop'], { env: { ...process.env, MOONRAKER_HOME } });
});

test('LAN: add an OctoPrint, send the slice, watch, pause, resume, finish; explanations; keys stay home', { timeout: 900_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const p = await context.newPage();
  p.on('pageerror', (e) => errors.push(String(e)));
  p.on('dialog', (d) => d.accept());
  // Which address every API key went to.
  const keyed = [];
  p.on('request', (r) => {
    const k = r.headers()['x-api-key'];
    if (k) keyed.push([k, r.url()]);
  });
  await p.goto(URL);
  await ready(p);

  // A small cube (5 mm) so that the virtual printer finishes it in well under a minute.
  await p.click(".object-list li.object");
  await p.locator('label.number:has-text("Scale X") input').fill('25');
  await p.locator('label.number:has-text("Scale X") input').press('Enter');
  await p.click('#slice-button');
  await p.waitForSelector('#download-button', { timeout: 300_000 });

  await p.click('#printer-button');
  await p.click('#tab-network');
  assert.match(await p.textContent('#lan-no-scan'), /cannot search the network/);
  assert.match(await p.textContent('.network-printers'), /No network printers yet/);

  // A wrong key is named as the problem.
  await p.fill('#lan-address', octo.base.replace('http://', ''));
  await p.fill('#lan-key', 'WRONGKEY');
  await p.click('#lan-test');
  await p.waitForSelector('#lan-test-result');
  assert.match(await p.textContent('#lan-test-result'), /OctoPrint refused the API key/);
  await p.fill('#lan-key', octo.key);
  await p.click('#lan-test');
  await p.waitForFunction(() => /Connected: OctoPrint says Operational/.test(document.querySelector('#lan-test-result')?.textContent ?? ''), null, { timeout: 20_000 });
  await p.fill('#lan-name', 'Virtual Ender');
  await p.click('#lan-add');
  const card = p.locator('.device', { hasText: 'Virtual Ender' });
  await card.waitFor();
  await p.waitForFunction(() => /Operational/.test(document.querySelector('.device .device-state')?.textContent ?? ''), null, { timeout: 20_000 });
  assert.match(await card.locator('.device-temps').textContent(), /Nozzle \d+ °C · Bed \d+ °C|Bed \d+ °C · Nozzle \d+ °C/);
  assert.match(await card.locator('.device-kind').textContent(), new RegExp(`OctoPrint · ${octo.base}`));

  // Send and print, seeing the upload bar.
  await p.evaluate(() => {
    window.__uploads = [];
    new MutationObserver(() => {
      const bar = document.querySelector('.upload-progress');
      if (bar) window.__uploads.push(Number(bar.value));
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  // "and print" starts unticked: sending alone never starts a print.
  assert.equal(await card.locator('.device-start').isChecked(), false);
  await card.locator('.device-start').check();
  await card.locator('.device-send').click();
  await p.waitForSelector('.message >> text=/Sent .*\\.gcode to Virtual Ender: printing starts\\./', { timeout: 60_000 });
  const uploads = await p.evaluate(() => window.__uploads);
  assert.ok(uploads.length > 0 && Math.max(...uploads) > 0.5, `the upload bar was shown and filled: ${uploads}`);
  const job = await api('/api/job');
  assert.match(job.job.file.name, /\.gcode$/);

  // Progress moves in the card; pause and resume from the app.
  await p.waitForFunction(() => /Printing/.test(document.querySelector('.device .device-state')?.textContent ?? ''), null, { timeout: 60_000 });
  const seen = new Set();
  for (let i = 0; i < 600 && seen.size < 2; i++) {
    const v = await card.locator('.device-progress').getAttribute('value').catch(() => null);
    if (v !== null && Number(v) > 0) seen.add(v);
    await p.waitForTimeout(200);
  }
  assert.ok(seen.size >= 2, `progress moved: ${[...seen]}`);
  writeFileSync(join(ARTIFACTS, 'lan-01-printing.png'), await p.screenshot());
  await card.locator('.device-pause').click();
  await card.locator('.device-resume').waitFor({ timeout: 30_000 });
  assert.match(await card.locator('.device-state').textContent(), /Paused/);
  await card.locator('.device-resume').click();
  await card.locator('.device-pause').waitFor({ timeout: 30_000 });

  // The job finishes.
  await p.waitForFunction(() => /^Operational$/.test(document.querySelector('.device .device-state')?.textContent ?? ''), null, { timeout: 300_000 });
  const done = await api('/api/job');
  assert.equal(done.progress.completion, 100, JSON.stringify(done));

  // A second job, cancelled.
  await card.locator('.device-start').check();
  await card.locator('.device-send').click();
  await card.locator('.device-cancel').waitFor({ timeout: 60_000 });
  await card.locator('.device-cancel').click();
  await p.waitForFunction(() => /^Operational$/.test(document.querySelector('.device .device-state')?.textContent ?? ''), null, { timeout: 120_000 });
  assert.match((await api('/api/job')).state, /^Operational/);

  // The list is kept; the address is offered again.
  await p.reload();
  await ready(p);
  await p.click('#printer-button');
  await p.click('#tab-network');
  await card.waitFor();
  assert.deepEqual(await p.$$eval('#lan-recent option', (o) => o.map((x) => x.value)), [octo.base]);
  await p.click('#slice-button');
  await p.waitForSelector('#download-button', { timeout: 300_000 });

  // A real Moonraker with no Klipper behind it: Klipper's absence is named, and the file
  // still reaches it (stored, not started, and the app says so).
  const mrBase = execFileSync('bash', [moonraker, 'start', String(await freePort())], { env: { ...process.env, MOONRAKER_HOME }, encoding: 'utf8', timeout: 120_000 }).trim();
  await p.selectOption('#lan-kind', 'moonraker');
  await p.fill('#lan-address', mrBase);
  await p.fill('#lan-key', '');
  await p.fill('#lan-name', 'Klipper box');
  await p.click('#lan-add');
  const mr = p.locator('.device', { hasText: 'Klipper box' });
  await mr.locator('.device-error').waitFor({ timeout: 30_000 });
  assert.match(await mr.locator('.device-error').textContent(), /Klipper is not ready \(disconnected\)/);
  await mr.locator('.device-start').check();
  await mr.locator('.device-send').click();
  await p.waitForSelector('.message >> text=/Sent .*\\.gcode to Klipper box, but the printer did not start it/', { timeout: 60_000 });
  const name = (await p.textContent('.message >> text=/to Klipper box/')).match(/Sent (.*\.gcode) to/)[1];
  assert.ok(readFileSync(join(MOONRAKER_HOME, 'data/gcodes', name), 'utf8').includes('G1 '), 'the G-code is on the Moonraker');

  // A server that forbids calls from other pages, and an address where nothing answers.
  const plainBase = `http://127.0.0.1:${plain.address().port}`;
  await p.selectOption('#lan-kind', 'octoprint');
  await p.fill('#lan-address', plainBase);
  await p.fill('#lan-key', 'OTHERKEY');
  await p.fill('#lan-name', 'No CORS');
  await p.click('#lan-add');
  const noCors = p.locator('.device', { hasText: 'No CORS' });
  await noCors.locator('.device-error').waitFor({ timeout: 30_000 });
  assert.match(await noCors.locator('.device-error').textContent(), /answered, but does not allow calls from this page.*Allow Cross Origin Resource Sharing/);
  assert.ok(await noCors.locator('.device-download').isEnabled(), 'the download is offered');
  const closed = await freePort();
  await p.selectOption('#lan-kind', 'moonraker');
  await p.fill('#lan-address', `127.0.0.1:${closed}`);
  await p.fill('#lan-key', '');
  await p.fill('#lan-name', 'Away');
  await p.click('#lan-add');
  const away = p.locator('.device', { hasText: 'Away' });
  await away.locator('.device-error').waitFor({ timeout: 30_000 });
  assert.match(await away.locator('.device-error').textContent(), /No answer from http:\/\/127\.0\.0\.1:\d+: check the address/);
  writeFileSync(join(ARTIFACTS, 'lan-02-errors.png'), await p.screenshot());

  // A wrong address is refused in words; editing and removing work.
  await p.fill('#lan-address', 'ftp://printer');
  await p.click('#lan-add');
  assert.match(await p.textContent('#lan-test-result'), /starts with http:\/\/ or https:\/\//);
  await noCors.locator('.device-edit').click();
  assert.equal(await p.inputValue('#lan-address'), plainBase);
  await p.fill('#lan-name', 'Renamed');
  await p.click('#lan-add');
  await p.locator('.device', { hasText: 'Renamed' }).waitFor();
  assert.equal(await p.locator('.device').count(), 4);
  await p.locator('.device', { hasText: 'Renamed' }).locator('.device-remove').click();
  await p.waitForFunction(() => document.querySelectorAll('.device').length === 3);

  // Each key went to its own printer only.
  assert.ok(keyed.length > 10);
  for (const [k, url] of keyed) {
    if (k === octo.key) assert.ok(url.startsWith(octo.base + '/'), `${k} → ${url}`);
    else if (k === 'OTHERKEY') assert.ok(url.startsWith(plainBase + '/'), `${k} → ${url}`);
    else assert.equal(k, 'WRONGKEY');
  }
  await context.close();
});

test('no errors were logged', () => {
  assert.deepEqual(errors, []);
});
