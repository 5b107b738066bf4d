// Printing over USB from the Lamina web app in Debian's Chromium (headless). A headless browser
// cannot reach a real serial port, so the page gets a small stand-in for navigator.serial
// that speaks Marlin's bytes: it checks line numbers and checksums, asks for lines again
// (and corrupts a few lines on purpose), answers M115 and M105 like Marlin, and records the
// commands it ran. Run by scripts/test.sh with the other browser tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, URL, useBrowser } from './env.mjs';
import { fakeSerial } from './fake-serial.mjs';

const session = useBrowser();
const errors = [];

test('USB: connect, jog, heat, print the slice with resends, cancel a second print, and a pulled cable', async () => {
  const context = await session.browser.newContext({ viewport: { width: 1400, height: 850 }, acceptDownloads: true });
  await context.addInitScript(fakeSerial);
  const p = await context.newPage();
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(URL);
  await p.waitForSelector('.app[data-ready=true]', { timeout: 120_000 });

  await p.click('#printer-button');
  await p.selectOption('#baud-rate', '250000');
  await p.click('#usb-connect');
  await p.waitForFunction(() => document.querySelector('#usb-state')?.textContent === 'Ready', null, { timeout: 30_000 });
  assert.equal(await p.evaluate(() => window.__printer.port.baudRate), 250000);
  assert.match(await p.textContent('.firmware'), /Marlin 2\.1\.2/);
  await p.waitForFunction(() => /Nozzle 205 \/ 210 °C · Bed 60 \/ 60 °C/.test(document.querySelector('#usb-temps')?.textContent ?? ''));

  // Console, jog and temperatures reach the printer.
  await p.fill('#usb-command', 'M503');
  await p.press('#usb-command', 'Enter');
  await p.click('.jog >> text=Home');
  await p.click('.jog >> text=X+10');
  await p.fill('#usb-nozzle', '215');
  await p.press('#usb-nozzle', 'Enter');
  await p.waitForFunction(() => window.__printer.ran.includes('M104 S215'));
  const ran = await p.evaluate(() => window.__printer.ran);
  for (const c of ['M503', 'G28', 'G91', 'G1 X10 F3000', 'G90', 'M104 S215']) assert.ok(ran.includes(c), `${c} in ${ran.join(', ')}`);
  assert.match(await p.textContent('#usb-console'), /> M503/);

  // Slice the demo cube, then print it.
  await p.click('#slice-button');
  await p.waitForSelector('#download-button', { timeout: 300_000 });
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#download-button')]);
  const file = join(ARTIFACTS, 'usb.gcode');
  await download.saveAs(file);
  const expected = readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/;.*$/, '').trim()).filter((l) => l);

  await p.evaluate(() => { window.__printer.ran.length = 0; });
  await p.click('#usb-print');
  await p.waitForSelector('#usb-progress');
  await p.waitForFunction(() => /Print: ready/.test(document.querySelector('#printer-button').textContent) && window.__printer.ran.length > 100, null, { timeout: 300_000 });
  writeFileSync(join(ARTIFACTS, 'usb-01-printed.png'), await p.screenshot());
  const printed = (await p.evaluate(() => window.__printer.ran)).filter((c) => c !== 'M105');
  assert.equal(printed.length, expected.length, 'every line ran once');
  assert.deepEqual(printed, expected);
  assert.match(await p.locator('.messages').textContent(), /The print is done\./);

  // A second print, paused, resumed and cancelled: heaters off, the rest not sent.
  await p.evaluate(() => { window.__printer.ran.length = 0; });
  await p.click('#usb-print');
  await p.waitForFunction(() => window.__printer.ran.length > 200);
  await p.click('#usb-pause');
  await p.waitForSelector('#usb-resume');
  assert.equal(await p.textContent('#usb-state'), 'Paused');
  await p.click('#usb-resume');
  await p.click('#usb-cancel');
  await p.waitForSelector('.message >> text=The print was cancelled.', { timeout: 30_000 });
  const after = await p.evaluate(() => window.__printer.ran);
  assert.ok(after.includes('M104 S0') && after.includes('M140 S0'), 'heaters off after cancel');
  assert.ok(after.length < expected.length, 'the rest of the job was dropped');
  await p.click('#usb-disconnect');
  await p.waitForFunction(() => document.querySelector('#usb-state')?.textContent === 'Not connected');
  // The baud rate is the printer preset's setting; changing it keeps the slice.
  await p.selectOption('#baud-rate', '115200');
  assert.equal(await p.inputValue('#baud-rate'), '115200');
  assert.ok(await p.$('#download-button'), 'the slice is still there');
  // The port the site was allowed before comes back without the chooser.
  await p.click('#usb-reconnect');
  await p.waitForFunction(() => document.querySelector('#usb-state')?.textContent === 'Ready', null, { timeout: 30_000 });

  // The cable comes out in the middle of a print: the panel says at which line and layer it
  // stopped and how to go on.
  await p.evaluate(() => { window.__printer.ran.length = 0; });
  await p.click('#usb-print');
  await p.waitForFunction(() => window.__printer.ran.length > 300, null, { timeout: 60_000 });
  await p.evaluate(() => window.__printer.pull());
  await p.waitForFunction(() => /^Stopped: /.test(document.querySelector('#usb-state')?.textContent ?? ''), null, { timeout: 30_000 });
  const stopped = await p.textContent('#usb-state');
  const where = /the connection to the printer was lost during the print \(after line (\d+) of (\d+) of the job, in layer (\d+) of (\d+), Z ([\d.]+) mm; Resume a failed print from layer \3/.exec(stopped);
  assert.ok(where, stopped);
  const printedBefore = (await p.evaluate(() => window.__printer.ran)).filter((c) => c !== 'M105').length;
  assert.ok(Math.abs(Number(where[1]) - printedBefore) <= 4, `${where[1]} lines confirmed, ${printedBefore} ran`);
  assert.equal(Number(where[2]), expected.length);
  assert.match(await p.locator('.messages').textContent(), /The printer's port closed: NetworkError|The printer's port closed: .*lost/);
  writeFileSync(join(ARTIFACTS, 'usb-02-cable-pulled.png'), await p.screenshot());
  await context.close();
});

test('USB: a browser without WebSerial says so and offers the alternatives', async () => {
  const context = await session.browser.newContext();
  await context.addInitScript(() => {
    delete Navigator.prototype.serial;
  });
  const p = await context.newPage();
  await p.goto(URL);
  await p.waitForSelector('.app[data-ready=true]', { timeout: 120_000 });
  await p.click('#printer-button');
  assert.match(await p.textContent('#no-webserial'), /no WebSerial .* Download the G-code/);
  await context.close();
});

test('no errors were logged', () => {
  assert.deepEqual(errors, []);
});
