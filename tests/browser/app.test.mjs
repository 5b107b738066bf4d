// End-to-end tests of the Lamina web app in Debian's Chromium (headless), driven by
// playwright-core. scripts/test.sh builds the release app, serves dist/ and runs this file:
//   LAMINA_URL=http://127.0.0.1:PORT/ LAMINA_SHARED=../shared ARTIFACTS=dir node --test tests/browser/
// Screenshots are saved in $ARTIFACTS for people to look at.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, SHARED, URL, launch, pixels, ready } from './env.mjs';

let browser;
let page;
const errors = [];

async function open(b) {
  const p = await b.newPage({ viewport: { width: 1400, height: 850 }, acceptDownloads: true });
  p.on('pageerror', (e) => errors.push(e.message));
  p.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('Failed to load resource')) errors.push(m.text()); });
  await p.goto(URL);
  await ready(p);
  await settle(p);
  return p;
}

/** Waits for two animation frames, so the view has drawn what changed. */
async function settle(p, ms = 400) {
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await p.waitForTimeout(ms);
}

async function shot(p, name) {
  const png = await p.locator('#view').screenshot();
  writeFileSync(join(ARTIFACTS, `${name}.png`), png);
  return png.toString('base64');
}

before(async () => {
  browser = await launch(['--disable-gpu']);
  page = await open(browser);
});

after(async () => {
  await browser?.close();
});

test('the app opens with the demo model on the bed (WebGL2)', async () => {
  assert.equal(await page.getAttribute('#view', 'data-backend'), 'WebGL2');
  const demo = await shot(page, '01-demo-model');
  assert.match(await page.textContent('.object-list'), /Calibration cube/);
  // Remove the model: the picture changes; undo brings it back.
  await page.click('.object');
  await page.click('text=Delete');
  await settle(page);
  const empty = await shot(page, '02-empty-bed');
  const gone = await pixels(page, demo, empty);
  assert.ok(gone.warm > 500, `the demo model shows in warm colours (${gone.warm} px)`);
  assert.ok(gone.differ > 500, `removing the model changes the picture (${gone.differ} px)`);
  await page.click('text=Undo');
  await settle(page);
  const back = await pixels(page, await shot(page, '03-undo'), demo);
  assert.ok(back.differ < 50, `undo restores the picture (${back.differ} px differ)`);
});

test('Benchy imports through the file input, slices, previews and downloads', async () => {
  await page.setInputFiles('#file-input', join(SHARED, 'models', '3DBenchy.3mf'));
  await page.waitForFunction(() => document.querySelector('.object-list')?.textContent.includes('3DBenchy'), null, { timeout: 120_000 });
  await page.waitForFunction(() => !document.querySelector('.busy .spinner'), null, { timeout: 120_000 });
  // Keep only Benchy on the plate.
  await page.click('.object >> text=Calibration cube');
  await page.click('text=Delete');
  await settle(page);
  const models = await shot(page, '04-benchy-model');

  const stages = new Set();
  await page.click('#slice-button');
  const poll = setInterval(async () => {
    const s = await page.textContent('.stage').catch(() => null);
    if (s) stages.add(s);
  }, 50);
  await page.waitForSelector('#download-button', { timeout: 300_000 });
  clearInterval(poll);
  assert.equal(await page.$('#slice-progress'), null, 'the download button takes the progress bar\'s place');
  assert.match(await page.textContent('#figures'), /Print time/);
  assert.equal(await page.textContent('#layer-count'), '240');

  await settle(page, 1500);
  const preview = await shot(page, '05-benchy-preview');
  const p = await pixels(page, preview, models);
  assert.ok(p.coloured > 2000, `coloured toolpaths show (${p.coloured} px)`);
  assert.ok(p.differ > 2000, `the preview differs from the model view (${p.differ} px)`);

  // The layer slider changes the picture.
  await page.locator('#layer-hi').fill('60');
  await settle(page, 1000);
  const lower = await shot(page, '06-benchy-layer-60');
  assert.match(await page.textContent('#layer-label'), /Layers 1–61 of 240/);
  assert.ok((await pixels(page, lower, preview)).differ > 1000, 'showing fewer layers changes the picture');
  // Arrow keys move the top layer.
  await page.focus('#view');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.match(await page.textContent('#layer-label'), /Layers 1–59 of 240/);
  // Colour by speed, with travel moves.
  await page.selectOption('#colour-mode', '1');
  await page.click('#show-travel');
  assert.equal(await page.getAttribute('#show-travel', 'aria-pressed'), 'true');
  await settle(page, 1000);
  await shot(page, '07-benchy-speed-travel');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-button')]);
  assert.match(download.suggestedFilename(), /^3DBenchy_0\.20mm-standard\.gcode$/);
  const file = join(ARTIFACTS, 'benchy.gcode');
  await download.saveAs(file);
  const report = JSON.parse(execFileSync('python3', [join(SHARED, 'tools', 'gcode_check.py'), file, '--model', join(SHARED, 'models', '3DBenchy.3mf')]).toString());
  assert.deepEqual(report.flags, [], JSON.stringify(report));
  assert.equal(report.layers, 240);
  assert.ok(report.outside_share <= 0.002, `outside share ${report.outside_share}`);
});

test('re-slicing after one setting runs only the stages it reaches, with the same result as from nothing; resuming from a layer', async () => {
  const first = readFileSync(join(ARTIFACTS, 'benchy.gcode'), 'latin1');
  const resliced = async (key, value) => {
    await page.click('text=Back to models');
    await page.fill('#settings-search', key.replace('_', ' '));
    if (value === null) {
      await page.click(`.setting:has(#setting-${key}) .reset`);
    } else {
      await page.fill(`#setting-${key}`, value);
      await page.press(`#setting-${key}`, 'Enter');
    }
    await page.click('#slice-button');
    await page.waitForSelector('#download-button', { timeout: 300_000 });
    const stages = await page.getAttribute('#slice-time', 'title');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-button')]);
    const file = join(ARTIFACTS, `benchy-${key}.gcode`);
    await download.saveAs(file);
    return { stages, gcode: readFileSync(file, 'latin1') };
  };
  // Travel speed: the worker keeps the mesh and every stage before the plan.
  const fast = await resliced('travel_speed', '120');
  assert.match(fast.stages, /plan [\d.]+ s, gcode [\d.]+ s/, fast.stages);
  assert.doesNotMatch(fast.stages, /\b(slice|perimeters|infill|order) [\d.]+ s/, fast.stages);
  const travels = (g, f) => g.split('\n').filter((l) => /^G1 X\S+ Y\S+ F\d+$/.test(l) && l.endsWith(` F${f}`)).length;
  assert.ok(travels(fast.gcode, 7200) > 1000 && travels(fast.gcode, 9000) === 0, 'travel at 120 mm/s');
  const extrusions = (g) => g.split('\n').filter((l) => / E\d/.test(l) && l.startsWith('G1 X')).map((l) => l.replace(/ F\d+$/, ''));
  assert.deepEqual(extrusions(fast.gcode), extrusions(first), 'the same extrusion as before');
  // Back to the preset's value: the first G-code again, byte for byte.
  const back = await resliced('travel_speed', null);
  assert.doesNotMatch(back.stages, /\b(perimeters|infill) [\d.]+ s/, back.stages);
  assert.ok(back.gcode === first, 'the same G-code as the first slice');
  // Resume a failed print: from layer 120, chosen in the panel (the preview follows it).
  await page.click('#resume summary');
  await page.fill('#resume-layer', '120');
  await page.press('#resume-layer', 'Enter');
  assert.match(await page.textContent('#layer-label'), /–120 of 240/);
  await shot(page, '07b-resume-from-layer-120');
  const [resumed] = await Promise.all([page.waitForEvent('download'), page.click('#resume-download')]);
  assert.match(resumed.suggestedFilename(), /^3DBenchy_0\.20mm-standard_from-layer-120\.gcode$/);
  const resumedFile = join(ARTIFACTS, 'benchy-from-120.gcode');
  await resumed.saveAs(resumedFile);
  const text = readFileSync(resumedFile, 'latin1');
  const opening = text.slice(0, text.indexOf(';LAYER_CHANGE'));
  assert.match(opening, /^G28 X Y/m);
  assert.doesNotMatch(opening, /^G28\s*(;.*)?$/m);
  assert.equal(text.split(';LAYER_CHANGE').length - 1, 121);
  assert.ok(text.endsWith(first.slice(first.indexOf(';LAYER:119\n'))), 'layers 120 on as sliced');
  await page.click('text=Back to models');
  await page.fill('#settings-search', '');
});

test('a corrupt STL shows the importer\'s error and the app keeps working', async () => {
  await page.setInputFiles('#file-input', {
    name: 'corrupt.stl',
    mimeType: 'model/stl',
    buffer: Buffer.from('solid broken\nfacet normal 0 0 1\n outer loop\n  vertex 0 0 0\n  vertex 1 0'),
  });
  await page.waitForSelector('.message.error >> text=corrupt.stl', { timeout: 30_000 });
  assert.match(await page.textContent('.message.error'), /corrupt\.stl: the file is cut short/);
  await shot(page, '08-corrupt-stl');
  // Still works: slice the cube alone.
  await page.click('text=Back to models').catch(() => {});
  await page.setInputFiles('#file-input', join(SHARED, 'models', '20mm_cube.obj'));
  await page.waitForFunction(() => document.querySelector('.object-list')?.textContent.includes('20mm_cube'));
  await page.click('#slice-button');
  await page.waitForSelector('#download-button', { timeout: 300_000 });
});

test('Cancel stops slicing, and the next slice works', async () => {
  await page.click('text=Back to models');
  // Make the job long enough to cancel: finer layers.
  await page.fill('#setting-layer_height', '0.1');
  await page.press('#setting-layer_height', 'Enter');
  await page.click('#slice-button');
  await page.waitForSelector('#cancel-button', { timeout: 10_000 });
  await page.click('#cancel-button');
  await page.waitForSelector('.message >> text=Slicing cancelled.');
  assert.equal(await page.$('#download-button'), null);
  await page.click('#slice-button');
  await page.waitForSelector('#download-button', { timeout: 300_000 });
});

test('settings: out-of-range values are marked and never used, changes are shown', async () => {
  await page.click('text=Back to models');
  await page.fill('#setting-fill_density', '150');
  await page.press('#setting-fill_density', 'Enter');
  const invalid = page.locator('.setting.invalid');
  await invalid.waitFor();
  // In the setting's words, with the range said once.
  const text = await invalid.textContent();
  assert.match(text, /Infill density: 150% is out of range \(allowed: 0 to 100%\)/);
  assert.equal(text.match(/allowed/g).length, 1, text);
  await page.fill('#setting-fill_density', '35');
  await page.press('#setting-fill_density', 'Enter');
  await page.locator('.setting.changed >> text=Infill density').waitFor();
  assert.equal(await page.$('.setting.invalid'), null);
  // Saved as a user preset, it becomes the chosen process.
  await page.fill('.save-preset input', 'Strong');
  await page.click('.save-preset button');
  assert.match(await page.$eval('#preset-process', (s) => s.selectedOptions[0].textContent), /Strong \(yours\)/);
  await shot(page, '09-settings');
});

test('no errors were logged', () => {
  assert.deepEqual(errors, []);
});

test('the WebGPU path draws too', async () => {
  const gpu = await launch(['--enable-unsafe-webgpu', '--use-angle=swiftshader', '--use-vulkan=swiftshader', '--enable-features=Vulkan']);
  try {
    const p = await open(gpu);
    const backend = await p.getAttribute('#view', 'data-backend');
    const png = await shot(p, '10-webgpu-demo');
    const stats = await pixels(p, png);
    writeFileSync(join(ARTIFACTS, 'webgpu-backend.txt'), backend ?? 'none');
    assert.equal(backend, 'WebGPU');
    assert.ok(stats.warm > 500, `the demo model shows (${stats.warm} px)`);
  } finally {
    await gpu.close();
  }
});

test('the page runs under its Content-Security-Policy: no injected inline code, and the app still works', async () => {
  const p = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  const refused = [];
  p.on('console', (m) => { if (/Content Security Policy/.test(m.text())) refused.push(m.text()); });
  try {
    await p.goto(URL);
    await ready(p);
    const policy = await p.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[^']+'/);
    // What the app itself does ran, worker and WebAssembly included: the demo cube slices.
    await p.click('#slice-button');
    await p.waitForSelector('#download-button', { timeout: 300_000 });
    assert.deepEqual(refused, []);
    // What injected markup would try is refused: an inline script and an inline handler.
    const injected = await p.evaluate(() => new Promise((done) => {
      const violations = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      window.ranInline = false;
      const s = document.createElement('script');
      s.textContent = 'window.ranInline = true;';
      document.head.append(s);
      const img = document.createElement('div');
      img.innerHTML = '<img src="data:," onerror="window.ranInline = true" onload="window.ranInline = true">';
      document.body.append(img);
      setTimeout(() => { img.remove(); done({ ran: window.ranInline, violations }); }, 300);
    }));
    assert.equal(injected.ran, false);
    assert.ok(injected.violations.length >= 2, JSON.stringify(injected.violations));
  } finally {
    await p.close();
  }
});
