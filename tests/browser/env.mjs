// What the browser tests share: where the app and the test files are, and how Debian's
// Chromium is started (headless, never a downloaded browser).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const URL = process.env.LAMINA_URL ?? 'http://127.0.0.1:8080/';
export const DIST = process.env.LAMINA_DIST ?? 'dist';
export const SHARED = process.env.LAMINA_SHARED ?? '../shared';
export const ARTIFACTS = process.env.ARTIFACTS ?? 'target/browser-artifacts';
export const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
mkdirSync(ARTIFACTS, { recursive: true });

/** Debian's Chromium, headless, with extra switches. */
export function launch(args = ['--disable-gpu']) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...BASE_ARGS, ...args] });
}

/** Waits until the page's project is on the plate and the 3D view draws. */
export async function ready(p) {
  await p.waitForSelector('.app[data-ready=true]', { timeout: 120_000 });
  await p.waitForSelector('#view[data-ready=true]', { timeout: 120_000 });
}

/** A TCP port free on 127.0.0.1 now. */
export function freePort() {
  return new Promise((done) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

/**
 * The browser of a test file: started before its tests and closed after them, even after a
 * failure (a browser left open would hang the whole suite). Read `.browser` in the tests.
 */
export function useBrowser(args) {
  const held = { browser: null };
  before(async () => {
    held.browser = await launch(args);
  });
  after(async () => {
    await held.browser?.close();
  });
  return held;
}

/** A new page of the app in a fresh profile, ready; its page errors go to `errors`. */
export async function openApp(browser, errors, viewport = { width: 1400, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const p = await context.newPage();
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(URL);
  await ready(p);
  return { context, p };
}

/**
 * A new page of the app in `context` (dialogs accepted, page errors to `errors`), once its
 * project is on the plate.
 */
export async function openPage(context, errors, url = URL) {
  const p = await context.newPage();
  p.on('pageerror', (e) => errors.push(e.message));
  p.on('dialog', (d) => d.accept());
  await p.goto(url);
  await ready(p);
  return p;
}

/** Waits until the open project is saved. */
export async function saved(p) {
  await p.waitForFunction(() => document.querySelector('#save-state')?.textContent === 'Saved', null, { timeout: 60_000 });
}

/** The names on the library's model cards, in order. */
export const cards = (p) => p.$$eval('.library-grid .model-name', (n) => n.map((x) => x.textContent));

/** Pixel statistics of a PNG, measured in the page (no image library needed in Node). */
export async function pixels(p, a, b = null) {
  return p.evaluate(async ([a, b]) => {
    const load = async (b64) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const c = new OffscreenCanvas(img.width, img.height);
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      return g.getImageData(0, 0, img.width, img.height).data;
    };
    const da = await load(a);
    let coloured = 0, warm = 0, differ = 0;
    const db = b ? await load(b) : null;
    for (let i = 0; i < da.length; i += 4) {
      const [r, g, bl] = [da[i], da[i + 1], da[i + 2]];
      const max = Math.max(r, g, bl), min = Math.min(r, g, bl);
      if (max - min > 60 && max > 90) coloured++;
      if (r > 150 && r - bl > 70) warm++;
      if (db && Math.abs(r - db[i]) + Math.abs(g - db[i + 1]) + Math.abs(bl - db[i + 2]) > 40) differ++;
    }
    return { coloured, warm, differ, total: da.length / 4 };
  }, [a, b]);
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is. */
export async function axe(p) {
  await p.evaluate(AXE);
  const r = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}
