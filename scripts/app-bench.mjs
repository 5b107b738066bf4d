// Measures the web app in headless Chromium: opening, Assist's auto-orient, slicing a model
// in the worker, and building the preview's buffers. Run by scripts/bench.sh against a served dist/.
//   node scripts/app-bench.mjs URL MODEL RUNS
import { chromium } from '../tests/browser/node_modules/playwright-core/index.mjs';

const [url, model, runsText] = process.argv.slice(2);
const runs = Number(runsText ?? 3);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const median = (v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
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
  // Timed inside the page: from the click to the download button showing (the Playwright
  // round trips would add their own polling delay).
  const seconds = page.evaluate(() => new Promise((done) => {
    const t0 = performance.now();
    new MutationObserver((_, observer) => {
      if (document.querySelector('#download-button')) {
        observer.disconnect();
        done((performance.now() - t0) / 1000);
      }
    }).observe(document.body, { subtree: true, childList: true });
    document.querySelector('#slice-button').click();
  }));
  slice.push(await seconds);
  await page.waitForSelector('#download-button', { timeout: 300000 });
  worker.push(parseFloat(await page.textContent('#slice-time')));
  await page.waitForSelector('#view[data-preview-ms]', { state: 'attached', timeout: 60000 });
  preview.push(Number(await page.getAttribute('#view', 'data-preview-ms')));
  // Re-slicing after one setting changes: the worker keeps its stages, so only those the
  // setting reaches run again (travel speed: the plan and the G-code; infill density: the
  // infill and after).
  for (const [key, value, into] of [['travel_speed', '120', reslice], ['fill_density', '30', resliceInfill]]) {
    await page.click('text=Back to models');
    await page.fill('#settings-search', key.replace('_', ' '));
    await page.fill(`#setting-${key}`, value);
    await page.press(`#setting-${key}`, 'Enter');
    await page.waitForFunction(() => !document.querySelector('#download-button'));
    into.push(await page.evaluate(() => new Promise((done) => {
      const t0 = performance.now();
      new MutationObserver((_, observer) => {
        if (document.querySelector('#download-button')) {
          observer.disconnect();
          done((performance.now() - t0) / 1000);
        }
      }).observe(document.body, { subtree: true, childList: true });
      document.querySelector('#slice-button').click();
    })));
  }
  await page.close();
}
await browser.close();
console.log(`open ${median(open).toFixed(2)} s, slice ${median(slice).toFixed(2)} s (worker ${median(worker).toFixed(2)} s), re-slice after travel_speed ${median(reslice).toFixed(2)} s, after fill_density ${median(resliceInfill).toFixed(2)} s, preview buffers ${median(preview).toFixed(0)} ms, auto-orient ${median(orient).toFixed(2)} s (search ${median(orientCompute).toFixed(0)} ms) (median of ${runs})`);
