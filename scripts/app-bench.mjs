// Measures the web app in headless Chromium: opening, Assist's auto-orient, slicing a model
// in the worker, and building the preview's buffers. Run by scripts/bench.sh against a served dist/.
//   node scripts/app-bench.mjs URL MODEL RUNS
import { chromium } from '../tests/browser/node_modules/playwright-core/index.mjs';
import { writeFileSync } from 'node:fs';

const [url, model, runsText] = process.argv.slice(2);
const runs = Number(runsText ?? 3);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--enable-precise-memory-info', '--js-flags=--expose-gc', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const median = (v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
/** Clicks Slice and waits for the preview, timed inside the page from the click to the
 * download button showing (Playwright's round trips would add their own polling delay). */
const sliceTimed = (page) => page.evaluate(() => new Promise((done) => {
  const t0 = performance.now();
  new MutationObserver((_, observer) => {
    if (document.querySelector('#download-button')) {
      observer.disconnect();
      done((performance.now() - t0) / 1000);
    }
  }).observe(document.body, { subtree: true, childList: true });
  document.querySelector('#slice-button').click();
}));
/** Changes one setting from the settings panel (the slice is dropped). */
const setSetting = async (page, key, value) => {
  if (await page.$('text=Back to models')) await page.click('text=Back to models');
  await page.fill('#settings-search', key.replace('_', ' '));
  await page.fill(`#setting-${key}`, value);
  await page.press(`#setting-${key}`, 'Enter');
  await page.waitForFunction(() => !document.querySelector('#download-button'));
};
/** The slicer worker's and the page's module memory and the page's JS heap (MB). */
const memory = async (page) => ({
  worker: Number(await page.getAttribute('#slice-time', 'data-memory-mb')),
  page: Number(await page.getAttribute('#slice-time', 'data-page-memory-mb')),
  // What is still reachable: once the project and the slice history are saved (their
  // IndexedDB reads and writes make garbage for a moment after every slice), garbage is
  // collected, twice, a moment apart.
  heap: await (async () => {
    await page.waitForFunction(() => document.querySelector('#save-state')?.textContent === 'Saved', null, { timeout: 60_000 }).catch(() => {});
    await page.waitForTimeout(1000);
    return page.evaluate(async () => {
      gc();
      await new Promise((done) => setTimeout(done, 300));
      gc();
      return performance.memory.usedJSHeapSize / 1e6;
    });
  })(),
});
const mb = (m) => `slicer ${m.worker.toFixed(0)} MB, page ${m.page.toFixed(0)} MB, JS heap ${m.heap.toFixed(0)} MB`;
const memoryLines = [];
const open = [], slice = [], worker = [], preview = [], orient = [], orientCompute = [], reslice = [], resliceInfill = [];
for (let i = 0; i < runs; i++) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector('#view[data-ready=true]', { state: 'attached', timeout: 120000 });
  await page.waitForSelector('.app[data-ready=true]', { state: 'attached', timeout: 120000 });
  open.push((Date.now() - t0) / 1000);
  await page.setInputFiles('#file-input', model);
  await page.waitForFunction(() => document.querySelectorAll('.object').length === 2 && !document.querySelector('.busy .spinner'), null, { timeout: 120000 });
  await page.click('.object >> text=Calibration cube');
  await page.click('text=Delete');
  // Auto-orient (Assist) on Benchy: from the click to the three poses shown, and the search
  // itself as the page measured it.
  await page.click('.object >> text=3DBenchy');
  const orientSeconds = page.evaluate(() => new Promise((done) => {
    const t0 = performance.now();
    new MutationObserver((_, observer) => {
      if (document.querySelector('.orient-options')) {
        observer.disconnect();
        done((performance.now() - t0) / 1000);
      }
    }).observe(document.body, { subtree: true, childList: true });
    document.querySelector('#assist-orient').click();
  }));
  orient.push(await orientSeconds);
  orientCompute.push(Number(await page.getAttribute('.orient-options', 'data-ms')));
  slice.push(await sliceTimed(page));
  await page.waitForSelector('#download-button', { timeout: 300000 });
  worker.push(parseFloat(await page.textContent('#slice-time')));
  await page.waitForSelector('#view[data-preview-ms]', { state: 'attached', timeout: 60000 });
  preview.push(Number(await page.getAttribute('#view', 'data-preview-ms')));
  // Re-slicing after one setting changes: the worker keeps its stages, so only those the
  // setting reaches run again (travel speed: the plan and the G-code; infill density: the
  // infill and after).
  for (const [key, value, into] of [['travel_speed', '120', reslice], ['fill_density', '30', resliceInfill]]) {
    await setSetting(page, key, value);
    into.push(await sliceTimed(page));
  }
  if (i === 0) {
    // Ten slices in a row, the infill density changing each time (so the infill and every
    // stage after it run again): memory must stay flat.
    const before = await memory(page);
    for (let k = 0; k < 10; k++) {
      await setSetting(page, 'fill_density', String(21 + k));
      await sliceTimed(page);
    }
    memoryLines.push(`Benchy, after the first slices: ${mb(before)}; after ten more: ${mb(await memory(page))}`);
  }
  await page.close();
}
// A 2-million-triangle sphere (1000 × 1000 segments, 40 mm), imported and sliced alone.
{
  const n = 1000, r = 20;
  const tris = [];
  const at = (i, j) => {
    const th = Math.PI * i / n, ph = 2 * Math.PI * j / n;
    return [r * Math.sin(th) * Math.cos(ph), r * Math.sin(th) * Math.sin(ph), r + r * Math.cos(th)];
  };
  const count = 2 * n * (n - 1);
  const buf = Buffer.alloc(84 + 50 * count);
  buf.writeUInt32LE(count, 80);
  let o = 84;
  const put = (a, b, c) => {
    o += 12;
    for (const p of [a, b, c]) for (const v of p) { buf.writeFloatLE(v, o); o += 4; }
    o += 2;
  };
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const a = at(i, j), b = at(i + 1, j), c = at(i + 1, j + 1), d = at(i, j + 1);
    if (i > 0) put(a, d, c);
    if (i < n - 1) put(a, c, b);
  }
  const file = '/tmp/lamina-bench-sphere-2m.stl';
  writeFileSync(file, buf.subarray(0, o));
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  await page.goto(url);
  await page.waitForSelector('.app[data-ready=true]', { state: 'attached', timeout: 120000 });
  const t0 = Date.now();
  await page.setInputFiles('#file-input', file);
  await page.waitForFunction(() => document.querySelectorAll('.object').length === 2 && !document.querySelector('.busy .spinner'), null, { timeout: 300000 });
  const imported = (Date.now() - t0) / 1000;
  await page.click('.object >> text=Calibration cube');
  await page.click('text=Delete');
  const sliced = await sliceTimed(page);
  memoryLines.push(`2M-triangle sphere: import ${imported.toFixed(1)} s, slice ${sliced.toFixed(1)} s, ${mb(await memory(page))}`);
  await page.close();
}
await browser.close();
console.log(`open ${median(open).toFixed(2)} s, slice ${median(slice).toFixed(2)} s (worker ${median(worker).toFixed(2)} s), re-slice after travel_speed ${median(reslice).toFixed(2)} s, after fill_density ${median(resliceInfill).toFixed(2)} s, preview buffers ${median(preview).toFixed(0)} ms, auto-orient ${median(orient).toFixed(2)} s (search ${median(orientCompute).toFixed(0)} ms) (median of ${runs})`);
for (const line of memoryLines) console.log(line);
