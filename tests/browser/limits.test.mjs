// Limits the browser can survive, in Debian's Chromium (headless). A model file the tab could
// not hold once opened is refused before it is read, with the figures; a slice that exhausts
// the slicer's memory (the browser's wasm memory capped low for the test) fails with a
// message that says so, and the page and its project go on: the same object slices once it
// is smaller. Run by scripts/test.sh with the other browser tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, SHARED, URL, launch, ready } from './env.mjs';

const errors = [];

async function setNumber(p, label, value) {
  const input = p.locator('.transform .number', { hasText: label }).first().locator('input');
  await input.fill(String(value));
  await input.press('Enter');
}

test('a model too large for the tab is refused before it is read, with the figures', { timeout: 300_000 }, async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    // A device with 256 MB: the tab may take half of it.
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 0.25 }));
    const p = await context.newPage();
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(URL);
    await ready(p);
    // A binary STL that says (and is sized for) a million triangles; its triangles are never
    // read, so they may be zeros.
    const big = Buffer.alloc(84 + 50 * 1_000_000);
    big.writeUInt32LE(1_000_000, 80);
    const file = join(ARTIFACTS, 'limits-million.stl');
    writeFileSync(file, big);
    await p.setInputFiles('#file-input', file);
    await p.waitForSelector('.message >> text=/limits-million\\.stl: about 1000000 triangles would need about 230 MB, more than the 134 MB this tab can take/', { timeout: 30_000 });
    writeFileSync(join(ARTIFACTS, 'limits-01-refused.png'), await p.screenshot());
    assert.equal(await p.locator('.object-list li.object').count(), 1, 'nothing was added');
    // A model that fits still opens.
    await p.setInputFiles('#file-input', join(SHARED, 'models', 'small_dorito.obj'));
    await p.waitForFunction(() => document.querySelectorAll('.object-list li.object').length === 2, null, { timeout: 30_000 });
    await context.close();
  } finally {
    await browser.close();
  }
});

test('a slice that runs out of memory says so and the project goes on', { timeout: 300_000 }, async () => {
  // Every wasm memory capped at 128 MB: the page fits, a big slice does not.
  const browser = await launch(['--disable-gpu', '--js-flags=--wasm-max-mem-pages=2048']);
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const p = await context.newPage();
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(URL);
    await ready(p);
    await p.click('.object-list li.object');
    await setNumber(p, 'Scale X', 800);
    await p.fill('#setting-fill_density', '100');
    await p.press('#setting-fill_density', 'Enter');
    await p.fill('#setting-layer_height', '0.1');
    await p.press('#setting-layer_height', 'Enter');
    await p.click('#slice-button');
    await p.waitForSelector('.message >> text=/Slicing stopped: the slicer ran out of memory\\. It held \\d+ MB and the browser would not give it (any|the \\d+ MB it asked for) more\\. Your project is safe\\./', { timeout: 240_000 });
    assert.equal(await p.textContent('.slice-status'), 'Slicing failed');
    writeFileSync(join(ARTIFACTS, 'limits-02-out-of-memory.png'), await p.screenshot());
    // The page and the project are alive: the object is there, and slices once smaller.
    assert.equal(await p.locator('.object-list li.object').count(), 1);
    await p.click('.object-list li.object');
    await setNumber(p, 'Scale X', 100);
    await p.click('#slice-button');
    await p.waitForSelector('#download-button', { timeout: 240_000 });
    await context.close();
  } finally {
    await browser.close();
  }
});

test('no errors were logged', () => {
  assert.deepEqual(errors, []);
});
