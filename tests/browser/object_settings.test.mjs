// One object's own settings in the app: from an object's context menu the settings panel
// shows only the settings one object may have, each marked, starting from the plate's
// values; a value set there is the object's alone (the list names it under the object), is
// kept with the project across a reload, and the G-code prints that object with it while
// the other keeps the plate's. ↺ gives the object the plate's value again.
//   LAMINA_URL=http://127.0.0.1:PORT/ LAMINA_SHARED=../shared ARTIFACTS=dir node --test object_settings.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, SHARED, axe, openPage, ready, saved, useBrowser } from './env.mjs';

const session = useBrowser();
const errors = [];

/** Filament (mm) of sparse infill per object label, from relative-extrusion G-code. */
function infillByObject(gcode) {
  const out = {};
  let object = null;
  let kind = '';
  for (const line of gcode.split('\n')) {
    if (line.startsWith('; printing object ')) {
      object = line.slice('; printing object '.length);
      out[object] ??= 0;
    } else if (line.startsWith('; stop printing object')) {
      object = null;
    } else if (line.startsWith(';TYPE:')) {
      kind = line.slice(6);
    } else if (object && kind === 'Internal infill' && /^G[123] .*[XY]/.test(line)) {
      const e = /E(-?[\d.]+)/.exec(line.split(';')[0]);
      if (e && Number(e[1]) > 0) out[object] += Number(e[1]);
    }
  }
  return out;
}

async function setValue(p, key, value) {
  await p.fill(`#setting-${key}`, value);
  await p.press(`#setting-${key}`, 'Enter');
}

test("an object's own infill, set from its menu, kept and sliced", async () => {
  const context = await session.browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const p = await openPage(context, errors);
  await p.setInputFiles('#file-input', join(SHARED, 'models', '20mm_cube.obj'));
  await p.waitForFunction(() => document.querySelectorAll('.object').length === 2, null, { timeout: 120_000 });
  const names = await p.locator('.object .name').allTextContents();
  // The plate prints without sparse infill.
  await setValue(p, 'fill_density', '0');
  await p.waitForSelector('.setting.changed:has(#setting-fill_density)');

  // The second object's own settings, from its context menu.
  await p.locator('.object').nth(1).click({ button: 'right' });
  await p.waitForSelector('.object-menu');
  await p.click('.menu-own-settings');
  await p.waitForSelector('#object-settings-bar');
  assert.match(await p.textContent('#object-settings-bar'), new RegExp(`${names[1]}: its own settings`));
  assert.equal(await p.locator('#setting-layer_height').count(), 0, 'the plate\'s layers are not per object');
  assert.equal(await p.locator('#setting-temperature').count(), 0);
  assert.equal(await p.inputValue('#setting-fill_density'), '0', 'starts from the plate\'s value');
  const rows = await p.locator('.fields .setting').count();
  assert.equal(await p.locator('.fields .setting.per-object').count(), rows, 'every row is marked');
  await setValue(p, 'fill_density', '40');
  await p.waitForSelector('.setting.changed:has(#setting-fill_density)');
  await p.waitForSelector('.object >> nth=1 >> .own-settings');
  assert.match(await p.textContent('.object >> nth=1 >> .own-settings'), /Infill density 40%/);
  assert.equal(await p.locator('.object >> nth=0 >> .own-settings').count(), 0);
  // A value that does not hold with the plate's is refused, naming the reason.
  await p.check('#advanced-toggle');
  await setValue(p, 'perimeter_extrusion_width', '1.5');
  await p.waitForSelector('.setting.invalid:has(#setting-perimeter_extrusion_width)');
  assert.match(await p.textContent('#error-perimeter_extrusion_width'), /nozzle/);
  assert.deepEqual(await axe(p), [], 'the settings panel on an object');
  await p.screenshot({ path: join(ARTIFACTS, 'object-settings-1-panel.png') });
  // Back to the plate's: its own 0% shows again.
  await p.click('#plate-settings');
  await p.waitForSelector('#object-settings-bar', { state: 'detached' });
  assert.equal(await p.inputValue('#setting-fill_density'), '0');
  assert.equal(await p.locator('#setting-layer_height').count(), 1);

  // Kept with the project.
  await saved(p);
  await p.reload();
  await ready(p);
  await p.waitForSelector('.object >> nth=1 >> .own-settings');
  assert.match(await p.textContent('.object >> nth=1 >> .own-settings'), /Infill density 40%/);

  // Sliced: the second object has sparse infill, the first none.
  await p.click('#slice-button');
  await p.waitForSelector('#download-button', { timeout: 300_000 });
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#download-button')]);
  const file = join(ARTIFACTS, 'object-settings.gcode');
  await download.saveAs(file);
  const infill = infillByObject(readFileSync(file, 'utf8'));
  const labels = Object.keys(infill);
  assert.equal(labels.length, 2, JSON.stringify(infill));
  const [first, second] = names.map((n) => labels.find((l) => l.startsWith(n.replace(/ /g, '_')) || l.startsWith(n)));
  assert.ok(first && second, `${names} in ${labels}`);
  assert.equal(infill[first], 0, JSON.stringify(infill));
  assert.ok(infill[second] > 500, JSON.stringify(infill));
  await p.screenshot({ path: join(ARTIFACTS, 'object-settings-2-sliced.png') });

  // ↺ gives the object the plate's value: its own settings are gone from the list.
  await p.click('.object >> nth=1 >> .own-settings');
  await p.waitForSelector('#object-settings-bar');
  await p.click('.setting:has(#setting-fill_density) .reset');
  await p.waitForSelector('.own-settings', { state: 'detached' });
  assert.equal(await p.inputValue('#setting-fill_density'), '0');
  assert.deepEqual(errors, []);
  await context.close();
});
