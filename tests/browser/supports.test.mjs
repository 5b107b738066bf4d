// Support painting in the Lamina web app (Debian's Chromium, headless): a blocker brushed on
// one arm of a T keeps support from under it; an enforcer with supports off gets support only
// there; the project saved as 3MF gives PrusaSlicer's CLI the same support regions.
// Run by scripts/test.sh like the other browser tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, openApp, saved, useBrowser } from './env.mjs';

const session = useBrowser();
const errors = [];

/** A binary STL of axis-aligned boxes [x0, y0, z0, x1, y1, z1]. */
function boxesStl(boxes) {
  const tris = [];
  for (const [x0, y0, z0, x1, y1, z1] of boxes) {
    const v = [[x0, y0, z0], [x1, y0, z0], [x1, y1, z0], [x0, y1, z0], [x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1]];
    for (const [a, b, c] of [[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4], [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]]) {
      tris.push([v[a], v[b], v[c]]);
    }
  }
  const buf = Buffer.alloc(84 + tris.length * 50);
  buf.writeUInt32LE(tris.length, 80);
  tris.forEach((t, i) => {
    const o = 84 + i * 50 + 12;
    t.flat().forEach((c, k) => buf.writeFloatLE(c, o + k * 4));
  });
  return buf;
}

/** Support extrusion ends below the arms (z < 14.5): [left of x0 + 11, right of x0 + 23]. */
function sides(gcode, x0) {
  let inside = false;
  let relative = false;
  let z = 0;
  let e = 0;
  const out = [0, 0];
  for (const line of gcode.split('\n')) {
    if (line.startsWith(';TYPE:')) {
      inside = line.slice(6).startsWith('Support material');
      continue;
    }
    const code = line.split(';')[0].trim();
    const arg = (c) => { const m = code.match(new RegExp(` ${c}(-?[\\d.]+)`)); return m ? Number(m[1]) : null; };
    if (code === 'M83') relative = true;
    if (code === 'M82') relative = false;
    if (code.startsWith('G92') && arg('E') !== null) e = arg('E');
    if (!/^G[01] /.test(code)) continue;
    if (arg('Z') !== null) z = arg('Z');
    const ne = arg('E');
    if (ne === null) continue;
    const extruding = relative ? ne > 0 : ne > e;
    e = relative ? e + ne : ne;
    const x = arg('X');
    if (inside && extruding && x !== null && z < 14.5) {
      if (x < x0 + 11) out[0] += 1;
      if (x > x0 + 23) out[1] += 1;
    }
  }
  return out;
}

async function sliceAndDownload(p, name) {
  await p.click('#slice-button');
  await p.waitForSelector('#download-button', { timeout: 300_000 });
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#download-button')]);
  const file = join(ARTIFACTS, name);
  await download.saveAs(file);
  return readFileSync(file, 'utf8');
}

/** Brushes over the lower left of the model as the view shows it from below and in front:
 * a click on each point of a grid over the left half of the view (the left arm; the right
 * arm is right of the middle); clicks that miss the model paint nothing. */
async function brushLeftUnderside(p) {
  await p.click('text=Front');
  await p.focus('#view');
  for (let i = 0; i < 5; i++) await p.keyboard.press('ArrowDown');
  await p.keyboard.press('f');
  await p.waitForTimeout(300);
  const box = await p.locator('#view').boundingBox();
  for (let row = 0.3; row <= 0.8; row += 0.05) {
    for (let col = 0.06; col <= 0.42; col += 0.02) {
      await p.mouse.click(box.x + box.width * col, box.y + box.height * row);
    }
  }
}

test('a blocker brushed under one arm keeps support from it; an enforcer works with supports off; PrusaSlicer agrees', async () => {
  const { context, p } = await openApp(session.browser, errors, { width: 1366, height: 768 });
  const stl = join(ARTIFACTS, 'T.stl');
  // The T: a pillar 10 mm wide up to 15 mm, and a 34 mm top with arms 12 mm out.
  writeFileSync(stl, boxesStl([[12, 0, 0, 22, 10, 15], [0, 0, 15, 34, 10, 19]]));
  await p.setInputFiles('#file-input', stl);
  await p.waitForFunction(() => document.querySelector('.object-list')?.textContent.includes('T'), null, { timeout: 60_000 });
  await p.click('.object >> text=Calibration cube');
  await p.click('text=Delete');
  await p.click('.object');
  const x0 = Number(await p.locator('.transform .number input').nth(0).inputValue()) - 17;

  // Supports on; a blocker brushed over the left arm's underside.
  await p.check('#setting-support_material');
  await p.click('text=Paint supports');
  await p.click('.paint button:has-text("Block")');
  await p.locator('.paint input[type=range]').evaluate((el) => { el.value = '4'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await brushLeftUnderside(p);
  await p.screenshot({ path: join(ARTIFACTS, 'supports-01-blocker.png') });
  let [left, right] = sides(await sliceAndDownload(p, 'T-blocked.gcode'), x0);
  assert.ok(right > 100, `the right arm keeps its support: ${right}`);
  assert.equal(left, 0, 'no support under the blocked arm');

  // Supports off, the paint cleared; an enforcer brushed where the blocker was.
  await p.click('text=Clear paint');
  await p.uncheck('#setting-support_material');
  await p.click('.paint button:has-text("Enforce")');
  await brushLeftUnderside(p);
  await p.screenshot({ path: join(ARTIFACTS, 'supports-02-enforcer.png') });
  [left, right] = sides(await sliceAndDownload(p, 'T-enforced.gcode'), x0);
  assert.ok(left > 100, `the enforced arm is supported: ${left}`);
  assert.equal(right, 0, 'nothing under the other arm');

  // Saved as 3MF and sliced by PrusaSlicer (enforcers only, as its 2.5 CLI needs supports on
  // for them): support under the same arm.
  await p.click('#projects-button');
  await p.waitForSelector('.projects-panel');
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#save-3mf')]);
  const project = join(ARTIFACTS, 'T-painted.3mf');
  await download.saveAs(project);
  const theirs = join(ARTIFACTS, 'T-painted.prusa.gcode');
  execFileSync('prusa-slicer', ['-g', '--support-material', '--no-support-material-auto', '--layer-height', '0.2',
    '--first-layer-height', '0.2', '--bed-shape', '0x0,220x0,220x220,0x220', project, '-o', theirs], { stdio: 'pipe' });
  [left, right] = sides(readFileSync(theirs, 'utf8'), x0);
  assert.ok(left > 100 && right === 0, `PrusaSlicer: left ${left}, right ${right}`);
  await p.mouse.click(5, 400);
  await p.waitForSelector('.projects-panel', { state: 'detached' });

  // A blocker box, then the project is saved in the browser and opened again: the paint and
  // the volume are still there, and slice the same.
  await p.click('.paint button:has-text("Block box")');
  assert.equal(await p.locator('.volume-list .volume.blocker').count(), 1);
  await p.locator('.volume-list .volume input').nth(2).fill('2');
  await p.locator('.volume-list .volume input').nth(2).press('Enter');
  await p.screenshot({ path: join(ARTIFACTS, 'supports-03-volume.png') });
  await saved(p);
  await p.reload();
  await p.waitForSelector('.app[data-ready=true]', { timeout: 120_000 });
  await p.click('.object');
  await p.click('text=Paint supports');
  assert.equal(await p.locator('.volume-list .volume.blocker').count(), 1);
  [left, right] = sides(await sliceAndDownload(p, 'T-reopened.gcode'), x0);
  assert.ok(left > 100 && right === 0, `after reopening: left ${left}, right ${right}`);
  assert.deepEqual(errors, []);
  await context.close();
});
