// Calibration from the app, as a maker runs it: a temperature tower made from the Calibrate
// menu opens as a project of its own, keeps its bands across a reload, slices with each
// band's temperature where the band starts, and the block picked is kept in the user's own
// filament preset, which survives a reload and is what a new project prints with. The
// pressure advance tower, fit test and flow rate patches are made, read and kept the same way.
//   LAMINA_URL=http://127.0.0.1:PORT/ LAMINA_SHARED=../shared ARTIFACTS=dir node --test calibrate.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, openPage, ready, saved, useBrowser } from './env.mjs';

const session = useBrowser();
const errors = [];

/** The value of a setting, found with the panel's search as a person would. */
async function setting(p, key) {
  await p.fill('#settings-search', key.replace(/_/g, ' '));
  const value = await p.inputValue(`#setting-${key}`);
  await p.fill('#settings-search', '');
  return value;
}

const filament = (p) => p.$eval('#preset-filament', (s) => s.options[s.selectedIndex].textContent);

test('a temperature tower from the Calibrate menu, sliced, and 215 °C kept in the filament preset', async () => {
  const context = await session.browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const p = await openPage(context, errors);
  const firstProject = await p.inputValue('#project-name');
  const plainFilament = await filament(p);

  // The menu proposes a range around the filament's temperature; the picture follows the
  // range typed.
  await p.click('#calibrate-button');
  await p.waitForSelector('.calibrate-panel');
  await p.fill('#tower-start', '225');
  await p.fill('#tower-end', '205');
  await p.fill('#tower-step', '5');
  await p.waitForFunction(() => document.querySelectorAll('#temp-picture .tower-block').length === 5);
  const labels = await p.locator('#temp-picture .tower-label').allTextContents();
  assert.deepEqual(labels, ['225 °C', '220 °C', '215 °C', '210 °C', '205 °C']);
  writeFileSync(join(ARTIFACTS, 'calibrate-01-menu.png'), await p.screenshot());
  // A range that gives one block is refused with the reason.
  await p.fill('#tower-end', '225');
  await p.waitForSelector('.calibrate-panel .field-error');
  assert.match(await p.textContent('.calibrate-panel .field-error'), /one temperature/);
  await p.fill('#tower-end', '205');

  // Made as a new project: one tower, printed from 225 °C.
  await p.click('#tower-make');
  await p.waitForFunction(() => document.querySelector('#project-name')?.value === 'Temperature tower 225–205 °C');
  assert.equal(await p.locator('.object').count(), 1);
  assert.equal(await setting(p, 'temperature'), '225');
  await saved(p);

  // The bands are kept with the project: reload, then slice.
  await p.reload();
  await ready(p);
  assert.equal(await p.inputValue('#project-name'), 'Temperature tower 225–205 °C');
  await p.click('#slice-button');
  await p.waitForSelector('#download-button', { timeout: 300_000 });
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#download-button')]);
  const file = join(ARTIFACTS, 'calibrate-tower.gcode');
  await download.saveAs(file);
  const gcode = readFileSync(file, 'utf8');
  assert.match(gcode, /^M109 S225/m);
  const lines = gcode.split('\n');
  for (const [band, temp, z] of [[2, 220, 9], [3, 215, 18], [4, 210, 27], [5, 205, 36]]) {
    const comment = `; calibration band ${band} of 5: temperature = ${temp}`;
    const at = lines.flatMap((l, i) => (l === comment ? [i] : []));
    assert.equal(at.length, 1, `${comment}: ${at.length} times`);
    assert.equal(lines[at[0] + 1], `M104 S${temp}`);
    const layerZ = Number(lines.slice(0, at[0]).reverse().find((l) => l.startsWith(';Z:')).slice(3));
    assert.ok(Math.abs(layerZ - (z + 0.2)) < 1e-6, `${temp} °C set at z ${layerZ}, not ${z + 0.2}`);
  }
  writeFileSync(join(ARTIFACTS, 'calibrate-02-sliced.png'), await p.screenshot());

  // Read the tower: pick the middle block and keep it.
  await p.click('#calibrate-button');
  await p.waitForSelector('#tower-pick');
  const options = await p.locator('#tower-pick option').allTextContents();
  assert.equal(options.length, 5);
  assert.match(options[0], /Block 1 from the bottom: 225 °C/);
  await p.selectOption('#tower-pick', '215');
  assert.equal(await p.textContent('#tower-keep'), 'Keep 215 °C in my filament preset');
  writeFileSync(join(ARTIFACTS, 'calibrate-03-read.png'), await p.screenshot());
  await p.click('#tower-keep');
  await p.waitForSelector('.message >> text=/Kept 215 °C in your filament preset/');
  await p.keyboard.press('Escape');
  const kept = await filament(p);
  assert.equal(kept, `${plainFilament} (yours)`);
  // The tower itself still prints from 225 °C: the project's own value stays.
  assert.equal(await setting(p, 'temperature'), '225');
  await saved(p);

  // After a reload the preset is still there and chosen; a new project prints at 215 °C.
  await p.reload();
  await ready(p);
  assert.equal(await filament(p), kept);
  await p.click('#projects-button');
  await p.click('#new-project');
  await p.waitForFunction(() => document.querySelectorAll('.object').length === 0);
  assert.equal(await filament(p), kept);
  assert.equal(await setting(p, 'temperature'), '215');
  // The project that was open before the tower is still in the list.
  await p.click('#projects-button');
  await p.waitForFunction((n) => [...document.querySelectorAll('.card-name')].some((e) => e.value === n), firstProject);
  await context.close();
  assert.deepEqual(errors, []);
});

test('a pressure advance tower from the Calibrate menu, read by its height and kept in the filament preset', async () => {
  const context = await session.browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const p = await openPage(context, errors);
  await p.click('#calibrate-button');
  await p.click('summary:has-text("Pressure advance tower")');
  await p.fill('#pa-start', '0.01');
  await p.fill('#pa-end', '0.05');
  await p.fill('#pa-step', '0.002');
  await p.waitForSelector('#pa-summary >> text=21 mm tall, from 0.01 at the bed to 0.05 at the top.');
  writeFileSync(join(ARTIFACTS, 'calibrate-04-pa-menu.png'), await p.screenshot());
  await p.click('#pa-make');
  await p.waitForFunction(() => document.querySelector('#project-name')?.value === 'Pressure advance tower 0.01–0.05');
  if (!(await p.isChecked('#advanced-toggle'))) await p.click('#advanced-toggle');
  assert.equal(await setting(p, 'pressure_advance'), '0.01');
  await p.click('#slice-button');
  await p.waitForSelector('#download-button', { timeout: 300_000 });
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#download-button')]);
  const file = join(ARTIFACTS, 'calibrate-pa-tower.gcode');
  await download.saveAs(file);
  const gcode = readFileSync(file, 'utf8');
  assert.match(gcode, /^M900 K0\.01 ; pressure advance$/m);
  assert.equal((gcode.match(/^M900 K[0-9.]+$/gm) ?? []).length, 20);
  assert.match(gcode, /^; calibration height 7 mm: pressure_advance = 0\.024\nM900 K0\.024$/m);

  // Read it: corners best 7.5 mm up → 0.024.
  await p.click('#calibrate-button');
  await p.fill('#pa-height', '7.5');
  await p.waitForSelector('#pa-value >> text=Pressure advance there: 0.024');
  writeFileSync(join(ARTIFACTS, 'calibrate-05-pa-read.png'), await p.screenshot());
  await p.click('#pa-keep');
  await p.waitForSelector('.message >> text=/Kept pressure advance 0.024 in your filament preset/');
  await p.keyboard.press('Escape');
  await saved(p);
  await p.reload();
  await ready(p);
  await p.click('#projects-button');
  await p.click('#new-project');
  await p.waitForFunction(() => document.querySelectorAll('.object').length === 0);
  if (!(await p.isChecked('#advanced-toggle'))) await p.click('#advanced-toggle');
  assert.equal(await setting(p, 'pressure_advance'), '0.024');
  await p.fill('#settings-search', 'enable pressure advance');
  assert.ok(await p.isChecked('#setting-enable_pressure_advance'), 'pressure advance is set at the start');
  await p.fill('#settings-search', '');
  await context.close();
  assert.deepEqual(errors, []);
});

test('a fit test from the Calibrate menu, and the hole compensation read off it kept in the process preset', async () => {
  const context = await session.browser.newContext({ viewport: { width: 1366, height: 768 } });
  const p = await openPage(context, errors);
  const process = () => p.$eval('#preset-process', (s) => s.options[s.selectedIndex].textContent);
  const plainProcess = await process();
  await p.click('#calibrate-button');
  await p.click('summary:has-text("Fit test")');
  await p.waitForFunction(() => document.querySelectorAll('.fit-hole').length === 7);
  await p.fill('#fit-step', '0.1');
  await p.waitForFunction(() => document.querySelectorAll('.fit-hole').length === 4);
  await p.fill('#fit-step', '0.05');
  writeFileSync(join(ARTIFACTS, 'calibrate-06-fit.png'), await p.screenshot());
  await p.click('#fit-make');
  await p.waitForFunction(() => document.querySelector('#project-name')?.value === 'Fit test 0–0.3 mm');
  assert.equal(await p.locator('.object').count(), 1);
  if (!(await p.isChecked('#advanced-toggle'))) await p.click('#advanced-toggle');
  assert.equal(await setting(p, 'xy_hole_compensation'), '0');
  // Printed: a peg slides into the hole labelled 15 and no tighter one.
  await p.click('#calibrate-button');
  await p.click('summary:has-text("Fit test")');
  assert.ok(await p.isDisabled('#fit-keep'));
  await p.selectOption('#fit-pick', '15');
  assert.equal(await p.textContent('#fit-keep'), 'Keep hole compensation 0.15 mm in my process preset');
  await p.click('#fit-keep');
  await p.waitForSelector('.message >> text=/Kept hole compensation 0.15 mm in your process preset/');
  await p.keyboard.press('Escape');
  assert.equal(await process(), `${plainProcess} (yours)`);
  await saved(p);
  await p.reload();
  await ready(p);
  await p.click('#projects-button');
  await p.click('#new-project');
  await p.waitForFunction(() => document.querySelectorAll('.object').length === 0);
  if (!(await p.isChecked('#advanced-toggle'))) await p.click('#advanced-toggle');
  assert.equal(await setting(p, 'xy_hole_compensation'), '0.15');
  await context.close();
  assert.deepEqual(errors, []);
});

test('flow rate patches from the Calibrate menu, sliced, and the smoothest kept as the flow ratio', async () => {
  const context = await session.browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const p = await openPage(context, errors);
  await p.click('#calibrate-button');
  await p.waitForSelector('.calibrate-panel');
  await p.click('summary:has-text("Flow rate")');
  const labels = await p.locator('.calibrate-panel .tower-label').allTextContents();
  assert.ok(['80', '85', '90', '95', '100', '105', '110', '115', '120'].every((l) => labels.includes(l)), labels.join());
  await p.fill('#flow-step', '0.005');
  await p.waitForSelector('.calibrate-panel .field-error');
  await p.fill('#flow-step', '0.05');
  await p.click('#flow-make');
  await p.waitForFunction(() => document.querySelector('#project-name')?.value === 'Flow rate 80–120%');
  assert.equal(await p.locator('.object').count(), 9);
  // Each patch carries its own ratio, shown under it in the list.
  assert.match(await p.textContent('.object >> nth=0 >> .own-settings'), /Object flow ratio 0\.8/);
  await p.click('#slice-button');
  await p.waitForSelector('#download-button', { timeout: 300_000 });
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#download-button')]);
  const file = join(ARTIFACTS, 'calibrate-flow.gcode');
  await download.saveAs(file);
  const gcode = readFileSync(file, 'utf8');
  for (const l of ['flow_80', 'flow_100', 'flow_120']) assert.match(gcode, new RegExp(`; printing object ${l}\\n`));
  writeFileSync(join(ARTIFACTS, 'calibrate-flow.png'), await p.screenshot());

  // The 95% patch was smoothest: 0.95 of the filament's ratio is kept in its preset.
  await p.click('#calibrate-button');
  await p.click('summary:has-text("Flow rate")');
  await p.selectOption('#flow-pick', '95');
  await p.click('#flow-keep');
  await p.waitForFunction(() => document.querySelector('#flow-start')?.value === '0.96');
  await p.keyboard.press('Escape');
  assert.equal(await setting(p, 'extrusion_multiplier'), '0.95');
  assert.match(await filament(p), /\(yours\)/);
  assert.deepEqual(errors, []);
  await context.close();
});
