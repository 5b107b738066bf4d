// Finishing features from the app: ironing, arc fitting, fuzzy skin and spiral vase set in
// the settings panel reach the G-code the app downloads, and the preview shows them.
//   LAMINA_URL=http://127.0.0.1:PORT/ LAMINA_SHARED=../shared ARTIFACTS=dir node --test finishing.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, SHARED, URL, launch, pixels, ready } from './env.mjs';

let browser;
let page;
const errors = [];

before(async () => {
  browser = await launch(['--disable-gpu']);
  page = await browser.newPage({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(URL);
  await ready(page);
});

after(async () => {
  await browser?.close();
  assert.deepEqual(errors, []);
});

/** Sets a setting through the panel's search, as a person would. */
async function set(key, value) {
  await page.fill('#settings-search', key.replace(/_/g, ' '));
  const field = `#setting-${key}`;
  await page.waitForSelector(field);
  const type = await page.getAttribute(field, 'type');
  const tag = await page.$eval(field, (el) => el.tagName);
  if (type === 'checkbox') {
    if ((await page.isChecked(field)) !== value) await page.click(field);
  } else if (tag === 'SELECT') {
    await page.selectOption(field, value);
  } else {
    await page.fill(field, String(value));
    await page.press(field, 'Enter');
  }
  await page.fill('#settings-search', '');
}

async function sliceAndDownload(name) {
  await page.click('#slice-button');
  await page.waitForSelector('#download-button', { timeout: 300_000 });
  await page.waitForTimeout(1000);
  writeFileSync(join(ARTIFACTS, `finishing-${name}.png`), await page.locator('#view').screenshot());
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-button')]);
  const file = join(ARTIFACTS, `finishing-${name}.gcode`);
  await download.saveAs(file);
  return readFileSync(file, 'utf8');
}

test('ironing, arcs and fuzzy skin from the settings panel', async () => {
  // The demo cube and a part with a hole.
  await page.setInputFiles('#file-input', join(SHARED, 'models', 'cube_with_hole.obj'));
  await page.waitForFunction(() => document.querySelectorAll('.object').length === 2);
  if (!(await page.isChecked('#advanced-toggle'))) await page.click('#advanced-toggle');
  await set('ironing', true);
  await set('arc_fitting', 'emit_center');
  await set('fuzzy_skin', 'external');
  const gcode = await sliceAndDownload('ironing-arcs-fuzzy');
  assert.match(gcode, /^;TYPE:Ironing$/m);
  assert.ok((gcode.match(/^G[23] /gm) ?? []).length > 100, 'arcs in the G-code');
  assert.match(gcode, /^; fuzzy_skin = external$/m);
  assert.match(gcode, /^; ironing = true$/m);
  // The legend lists ironing, and hiding it changes the picture.
  const legend = await page.textContent('.legend');
  assert.match(legend, /Ironing/);
  const before = (await page.locator('#view').screenshot()).toString('base64');
  await page.click('.legend-item:has-text("Ironing")');
  await page.waitForTimeout(800);
  const after = (await page.locator('#view').screenshot()).toString('base64');
  const hidden = await pixels(page, before, after);
  assert.ok(hidden.differ > 200, `hiding ironing changes the picture (${hidden.differ} px)`);
  await page.click('.legend-item:has-text("Ironing")');
});

test('spiral vase from the settings panel', async () => {
  await set('ironing', false);
  await set('fuzzy_skin', 'none');
  await set('spiral_vase', true);
  // Two parts: refused, saying why.
  await page.click('#slice-button');
  await page.waitForSelector('.message.error >> text=one object at a time', { timeout: 60_000 });
  await page.click('.object:has-text("Calibration cube")');
  await page.click('text=Delete');
  await page.waitForFunction(() => document.querySelectorAll('.object').length === 1);
  const gcode = await sliceAndDownload('vase');
  // After the bottom layers every wall line climbs, and there is no infill.
  const climbing = gcode.split('\n').filter((l) => /^G1 X\S+ Y\S+ Z\S+ E/.test(l));
  assert.ok(climbing.length > 1000, `${climbing.length} climbing lines`);
  assert.doesNotMatch(gcode, /^;TYPE:Internal infill$/m);
  // Assist says the hole makes the spiral jump.
  await page.waitForSelector('.finding[data-kind=VaseOutlines]', { timeout: 30_000 });
  await set('spiral_vase', false);
});
