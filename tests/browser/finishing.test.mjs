// Finishing features from the app: ironing, arc fitting, fuzzy skin and spiral vase set in
// the settings panel reach the G-code the app downloads, and the preview shows them.
//   LAMINA_URL=http://127.0.0.1:PORT/ LAMINA_SHARED=../shared ARTIFACTS=dir node --test finishing.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, SHARED, URL, launch, pixels, ready, saved } from './env.mjs';

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

/** Per layer, the largest outer wall's start relative to its box's min corner, and its
 * box's size: [{ z, x, y, w, h }]. */
function outerSeams(gcode) {
  const walls = [];
  let [x, y, z, e] = [0, 0, 0, 0];
  let relative = false;
  let layerZ = 0;
  let wall = null;
  for (const line of gcode.split('\n')) {
    if (line.startsWith(';TYPE:')) {
      wall = line.startsWith(';TYPE:External perimeter') ? { z: layerZ, start: [x, y], pts: [] } : null;
      if (wall) walls.push(wall);
      continue;
    }
    if (line.startsWith(';Z:')) layerZ = Number(line.slice(3));
    const code = line.split(';')[0].trim();
    const arg = (c) => { const m = code.match(new RegExp(` ${c}(-?[\\d.]+)`)); return m ? Number(m[1]) : null; };
    if (code === 'M83') relative = true;
    if (code === 'M82') relative = false;
    if (!/^G[01] /.test(code)) continue;
    x = arg('X') ?? x;
    y = arg('Y') ?? y;
    z = arg('Z') ?? z;
    const ne = arg('E');
    if (ne === null) continue;
    const de = relative ? ne : ne - e;
    e = relative ? e + ne : ne;
    if (wall && de > 0) wall.pts.push([x, y]);
  }
  const byZ = new Map();
  for (const w of walls.filter((w) => w.pts.length > 2 && w.z > 0.5)) {
    const xs = w.pts.map((p) => p[0]);
    const ys = w.pts.map((p) => p[1]);
    const b = { z: w.z, x: w.start[0] - Math.min(...xs), y: w.start[1] - Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) };
    if (!byZ.has(w.z) || byZ.get(w.z).w * byZ.get(w.z).h < b.w * b.h) byZ.set(w.z, b);
  }
  return [...byZ.values()];
}

/** The share of seams on the front face, away from its corners, within 2 mm of their median
 * x; and that median. */
function onFrontStrip(seams) {
  const front = seams.filter((s) => s.y < 1 && s.x > 1.5 && s.x < s.w - 1.5).map((s) => s.x).sort((a, b) => a - b);
  const median = front[Math.floor(front.length / 2)] ?? -99;
  return { share: front.filter((x) => Math.abs(x - median) < 2).length / seams.length, median };
}

test('seams painted in the app hold the seam, in Lamina and in PrusaSlicer; scarf seams', async () => {
  if ((await page.locator('.object.selected').count()) === 0) await page.click('.object');
  await page.waitForSelector('.object.selected');
  const unpainted = onFrontStrip(outerSeams(await sliceAndDownload('seam-unpainted')));
  assert.ok(unpainted.share < 0.1, `unpainted, the seam is elsewhere (${unpainted.share})`);
  // A strip brushed down the front face, left of its middle.
  await page.click('text=Paint seams');
  await page.waitForSelector('.paint h2:has-text("Paint seams")');
  await page.click('.paint button:has-text("Enforce")');
  await page.locator('.paint input[type=range]').evaluate((el) => { el.value = '1.5'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.click('text=Front');
  await page.focus('#view');
  await page.keyboard.press('f');
  await page.waitForTimeout(300);
  const box = await page.locator('#view').boundingBox();
  for (let row = 0.2; row <= 0.8; row += 0.01) {
    await page.mouse.click(box.x + box.width * 0.47, box.y + box.height * row);
  }
  writeFileSync(join(ARTIFACTS, 'finishing-seam-brushed.png'), await page.locator('#view').screenshot());
  const painted = onFrontStrip(outerSeams(await sliceAndDownload('seam-painted')));
  assert.ok(painted.share > 0.9, `seams on the painted strip: ${painted.share}`);

  // The project as 3MF: PrusaSlicer puts its seams on the same strip.
  await page.click('#projects-button');
  await page.waitForSelector('.projects-panel');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-3mf')]);
  const project = join(ARTIFACTS, 'finishing-seam-painted.3mf');
  await download.saveAs(project);
  await page.mouse.click(5, 400);
  await page.waitForSelector('.projects-panel', { state: 'detached' });
  const theirs = join(ARTIFACTS, 'finishing-seam-painted.prusa.gcode');
  execFileSync('prusa-slicer', ['-g', '--layer-height', '0.2', '--first-layer-height', '0.2',
    '--bed-shape', '0x0,220x0,220x220,0x220', project, '-o', theirs], { stdio: 'pipe' });
  const prusa = onFrontStrip(outerSeams(readFileSync(theirs, 'utf8')));
  assert.ok(prusa.share > 0.8 && Math.abs(prusa.median - painted.median) < 1.5,
    `PrusaSlicer: ${prusa.share} at ${prusa.median}, Lamina at ${painted.median}`);

  // Scarf seams: the outer wall starts on the layer below and climbs.
  await set('scarf_seam_placement', 'contours');
  const scarfed = await sliceAndDownload('seam-scarf');
  assert.match(scarfed, /^; scarf_seam_placement = contours$/m);
  const climbs = scarfed.split(';TYPE:External perimeter').slice(3).filter((b) => /^G1 X\S+ Y\S+ Z\S+ E/m.test(b));
  assert.ok(climbs.length > 40, `${climbs.length} outer walls start with a slope`);
  await set('scarf_seam_placement', 'nowhere');

  // Reopened (the project kept in the browser), the paint is still there.
  await saved(page);
  await page.reload();
  await ready(page);
  const again = onFrontStrip(outerSeams(await sliceAndDownload('seam-reopened')));
  assert.ok(again.share > 0.9 && Math.abs(again.median - painted.median) < 0.5, `after reopening: ${again.share} at ${again.median}`);
});
