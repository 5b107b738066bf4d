// A Creality printer on stock firmware from the Lamina web app in Debian's Chromium (headless),
// against the printer simulator in tests/creality_sim.py (HTTP upload endpoint and a status
// WebSocket, as src/engine/printer/creality.rs documents them): add it, see its pushed status,
// send the sliced cube (the file arrives byte for byte) and start it over the socket, watch
// progress, pause, resume, see it finish, stop a second job, and see a clear error when the
// printer goes away mid-print. Run by scripts/test.sh with the other browser tests.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, freePort, launch, openApp } from './env.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DIR = join(ROOT, 'target/creality-sim-browser');
let browser;
let sim;
let ports;
const errors = [];

before(async () => {
  rmSync(DIR, { recursive: true, force: true });
  ports = { http: await freePort(), ws: await freePort() };
  sim = spawn('python3', [join(ROOT, 'tests/creality_sim.py'), '--http-port', String(ports.http), '--ws-port', String(ports.ws), '--dir', DIR, '--job-seconds', '8'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((done, fail) => {
    sim.stdout.on('data', (d) => String(d).includes('READY') && done());
    sim.on('exit', (code) => fail(new Error(`the simulator exited with ${code}`)));
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  sim?.kill();
});

test('Creality stock firmware: add, send and start, watch, pause, resume, finish, stop; the printer going away', { timeout: 600_000 }, async () => {
  const { context, p } = await openApp(browser, errors);
  await p.click('#slice-button');
  await p.waitForSelector('#download-button', { timeout: 300_000 });
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#download-button')]);
  const sliced = join(ARTIFACTS, 'creality.gcode');
  await download.saveAs(sliced);

  await p.click('#printer-button');
  await p.click('#tab-network');
  await p.selectOption('#lan-kind', 'creality');
  assert.match(await p.textContent('#lan-form'), /No key: Creality's stock firmware has no login/);
  await p.fill('#lan-address', `127.0.0.1:${ports.http}`);
  await p.fill('#lan-socket-port', String(ports.ws));
  await p.fill('#lan-name', 'K1 sim');
  await p.click('#lan-test');
  await p.waitForFunction(() => /Ready \(model F001\)/.test(document.querySelector('#lan-test-result')?.textContent ?? ''), null, { timeout: 20_000 });
  await p.click('#lan-add');
  const card = p.locator('.device', { hasText: 'K1 sim' });
  await card.waitFor();
  await p.waitForFunction(() => /^Idle$/.test(document.querySelector('.device .device-state')?.textContent ?? ''), null, { timeout: 20_000 });
  assert.match(await card.locator('.device-temps').textContent(), /Nozzle \d+ °C · Bed \d+ °C/);

  // Send and start: the file arrives whole, the start goes over the socket.
  await card.locator('.device-start').check();
  await card.locator('.device-send').click();
  await p.waitForSelector('.message >> text=/Sent .*\\.gcode to K1 sim: printing starts\\./', { timeout: 60_000 });
  const name = (await p.textContent('.message >> text=/to K1 sim/')).match(/Sent (.*\.gcode) to/)[1];
  assert.deepEqual(readFileSync(join(DIR, name)), readFileSync(sliced), 'the uploaded file is the slice');
  await p.waitForFunction(() => /^Printing/.test(document.querySelector('.device .device-state')?.textContent ?? ''), null, { timeout: 30_000 });
  const seen = new Set();
  for (let i = 0; i < 100 && seen.size < 2; i++) {
    const v = await card.locator('.device-progress').getAttribute('value').catch(() => null);
    if (v !== null && Number(v) > 0) seen.add(v);
    await p.waitForTimeout(200);
  }
  assert.ok(seen.size >= 2, `progress moved: ${[...seen]}`);
  assert.match(await card.locator('.device-temps').textContent(), /\/ 220 °C/);
  writeFileSync(join(ARTIFACTS, 'creality-01-printing.png'), await p.screenshot());
  await card.locator('.device-pause').click();
  await card.locator('.device-resume').waitFor({ timeout: 20_000 });
  assert.match(await card.locator('.device-state').textContent(), /Paused/);
  await card.locator('.device-resume').click();
  await card.locator('.device-pause').waitFor({ timeout: 20_000 });
  await p.waitForFunction(() => /^Finished$/.test(document.querySelector('.device .device-state')?.textContent ?? ''), null, { timeout: 60_000 });
  const commands = await (await fetch(`http://127.0.0.1:${ports.http}/sim/commands`)).json();
  assert.deepEqual(commands.map((c) => Object.keys(c)[0]), ['opGcodeFile', 'pause', 'pause']);
  assert.equal(commands[0].opGcodeFile, `printprt:/usr/data/printer_data/gcodes/${name}`);

  // A second job, stopped.
  await card.locator('.device-start').check();
  await card.locator('.device-send').click();
  await card.locator('.device-cancel').waitFor({ timeout: 30_000 });
  await card.locator('.device-cancel').click();
  await p.waitForFunction(() => /^Stopped$/.test(document.querySelector('.device .device-state')?.textContent ?? ''), null, { timeout: 20_000 });

  // Mid-print, the printer goes away: a clear error, and the page stays usable.
  await card.locator('.device-start').check();
  await card.locator('.device-send').click();
  await p.waitForFunction(() => /^Printing/.test(document.querySelector('.device .device-state')?.textContent ?? ''), null, { timeout: 30_000 });
  sim.kill();
  await card.locator('.device-error').waitFor({ timeout: 20_000 });
  assert.match(await card.locator('.device-error').textContent(), /Lost the connection to K1 sim \(ws:\/\/127\.0\.0\.1:\d+\/\)/);
  assert.match(await card.locator('.device-state').textContent(), /Not reachable/);
  writeFileSync(join(ARTIFACTS, 'creality-02-gone.png'), await p.screenshot());
  await p.click('#tab-usb');
  await p.click('#tab-network');
  await card.locator('.device-error').waitFor();
  await context.close();
});

test('no errors were logged', () => {
  assert.deepEqual(errors, []);
});
