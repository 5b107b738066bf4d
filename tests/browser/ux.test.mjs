// The app's layout and keyboard reach at a Chromebook's 1366×768 and at 1920×1080 (Debian's
// Chromium, headless): after slicing no control panel covers the 3D view, the top bar's
// buttons keep their places while slicing, Tab reaches "Open models…" and the objects,
// Escape closes each panel, the settings search finds settings of every tab, information
// goes by itself, and axe-core finds no serious or critical accessibility violation.
// Screenshots of each screen at both sizes are saved in $ARTIFACTS.
// Run by scripts/test.sh like the other browser tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, SHARED, axe, openApp, pixels, useBrowser } from './env.mjs';

const session = useBrowser();
const errors = [];

/** The share of the 3D view's area that each visible element of `selectors` covers. */
async function covering(p, selectors) {
  return p.evaluate((selectors) => {
    const v = document.querySelector('#view').getBoundingClientRect();
    const out = {};
    for (const sel of selectors) {
      let area = 0;
      for (const el of document.querySelectorAll(sel)) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const w = Math.max(0, Math.min(r.right, v.right) - Math.max(r.left, v.left));
        const h = Math.max(0, Math.min(r.bottom, v.bottom) - Math.max(r.top, v.top));
        area += w * h;
      }
      out[sel] = area / (v.width * v.height);
    }
    return out;
  }, selectors);
}

/** Where the top bar's buttons are, by id. */
async function barPositions(p) {
  return p.evaluate(() => Object.fromEntries(
    ['projects-button', 'open-models', 'library-button', 'slice-button', 'printer-button', 'assist-toggle']
      .map((id) => { const r = document.getElementById(id).getBoundingClientRect(); return [id, [Math.round(r.left), Math.round(r.top)]]; })));
}

for (const [width, height] of [[1366, 768], [1920, 1080]]) {
  test(`layout, keyboard and panels at ${width}×${height}`, async () => {
    const { context, p } = await openApp(session.browser, errors, { width, height });
    try {
      const shot = (name) => p.screenshot({ path: join(ARTIFACTS, `ux-${width}-${name}.png`) });
      await p.waitForTimeout(500);
      await shot('models');
      // The top bar is one line.
      const bar = await p.$eval('.topbar', (el) => el.getBoundingClientRect().height);
      assert.ok(bar <= 52, `top bar ${bar} px high`);

      // Printing says why it cannot start yet.
      await p.click('#printer-button');
      await p.waitForSelector('#usb-slice-first', { timeout: 5_000 }).catch(() => {});
      const why = await p.$('#usb-slice-first, .device-slice-first, .printer-panel .note');
      assert.ok(why, 'the printer panel says what is missing');
      await p.keyboard.press('Escape');
      await p.waitForSelector('.printer-panel', { state: 'detached' });

      // A copy keeps the original's name with a number; the original keeps its own.
      await p.click('.object');
      await p.click('text=Copy');
      const names = await p.$$eval('.object .name', (ns) => ns.map((n) => n.textContent));
      assert.deepEqual(names, ['Calibration cube', 'Calibration cube (2)']);
      await p.keyboard.press('Control+z');
      await p.waitForFunction(() => document.querySelectorAll('.object').length === 1);
      // Placement shows units, and a size in mm scales the model (uniformly by default).
      await p.click('.object');
      const units = await p.$$eval('.transform .number .unit', (us) => us.map((u) => u.textContent));
      assert.deepEqual([...new Set(units)].sort(), ['%', 'mm', '°']);
      const sizeX = p.locator('.transform .number', { hasText: 'Size X' }).locator('input');
      await sizeX.fill('30');
      await sizeX.press('Enter');
      await p.waitForFunction(() => /30\.0 × 30\.0 × 30\.0 mm/.test(document.querySelector('.object .meta').textContent));
      await sizeX.blur();
      await p.keyboard.press('Control+z');
      await p.waitForFunction(() => /20\.0 × 20\.0 × 20\.0 mm/.test(document.querySelector('.object .meta').textContent));
      await p.evaluate(() => document.activeElement?.blur());

      // Tab reaches "Open models…" and then an object of the list.
      const reached = [];
      for (let i = 0; i < 90 && !reached.some((r) => /\bobject\b/.test(r)); i++) {
        await p.keyboard.press('Tab');
        reached.push(await p.evaluate(() => document.activeElement.id || document.activeElement.className));
      }
      assert.ok(reached.includes('open-models'), `Tab order: ${reached.join(', ')}`);
      assert.ok(reached.includes('object') || reached.some((r) => /\bobject\b/.test(r)), `Tab order: ${reached.join(', ')}`);
      // An object that has focus is the selected one, so the placement panel works on it.
      assert.equal(await p.getAttribute('.object', 'aria-selected'), 'true');

      // Slicing: the bar's buttons stay where they were, in every state.
      const before = await barPositions(p);
      await p.click('#slice-button');
      const during = await barPositions(p);
      await p.waitForSelector('#download-button', { timeout: 120_000 });
      const after = await barPositions(p);
      assert.deepEqual(during, before, 'while slicing');
      assert.deepEqual(after, before, 'after slicing');
      await p.waitForTimeout(800);
      await shot('preview');
      // No control panel covers more than 2% of the 3D view.
      const cover = await covering(p, ['.preview-panel', '.layer-strip', '.scrubber', '.left', '.right', '.view-buttons', '.show-preview', '.messages', '.topbar']);
      for (const [sel, share] of Object.entries(cover)) {
        assert.ok(share <= 0.02, `${sel} covers ${(100 * share).toFixed(1)}% of the view`);
      }
      // The layer sliders say their layer and height.
      assert.match(await p.getAttribute('#layer-hi', 'aria-valuetext'), /^Layer \d+ of \d+, Z [\d.]+ mm$/);
      // The move scrubber plays the top layer: the tool marker moves and the G-code line
      // of the move shows.
      await p.locator('#layer-hi').fill('10');
      const total = Number(await p.getAttribute('#move-scrubber', 'max'));
      assert.ok(total > 10, `${total} moves in layer 11`);
      const view = async () => (await p.locator('#view').screenshot()).toString('base64');
      await p.locator('#move-scrubber').fill(String(Math.round(total / 4)));
      await p.waitForTimeout(300);
      const quarter = await view();
      const line1 = await p.textContent('#gcode-line');
      assert.match(line1, /^\d+: G1 X[\d.]+ Y[\d.]+ E/);
      await p.locator('#move-scrubber').fill(String(Math.round((3 * total) / 4)));
      await p.waitForTimeout(300);
      const later = await view();
      const line2 = await p.textContent('#gcode-line');
      assert.ok(Number(line2.split(':')[0]) > Number(line1.split(':')[0]), `${line1} then ${line2}`);
      const { differ } = await pixels(p, quarter, later);
      assert.ok(differ > 50, `the tool and the drawn moves change the picture (${differ} px)`);
      await shot('scrubber');

      // Features are shown and hidden from the legend.
      const feature = p.locator('.legend-item').first();
      await feature.click();
      assert.equal(await feature.getAttribute('aria-pressed'), 'false');
      await feature.click();
      assert.equal(await feature.getAttribute('aria-pressed'), 'true');

      // "?" lists the keyboard shortcuts.
      await p.focus('#view');
      await p.keyboard.press('?');
      await p.waitForSelector('.shortcuts-panel');
      assert.match(await p.textContent('.shortcuts-panel'), /Undo/);
      await p.keyboard.press('Escape');
      await p.waitForSelector('.shortcuts-panel', { state: 'detached' });

      // Escape closes each panel.
      for (const [button, panel] of [['#library-button', '.library-panel'], ['#projects-button', '.projects-panel'], ['#printer-button', '.printer-panel']]) {
        await p.click(button);
        await p.waitForSelector(panel);
        await shot(panel.slice(1));
        if (panel !== '.library-panel') {
          // A dialog takes focus, keeps Tab inside, and gives focus back when it closes.
          await p.waitForFunction((sel) => document.querySelector(sel).contains(document.activeElement), panel);
          for (let i = 0; i < 40; i++) await p.keyboard.press('Tab');
          assert.ok(await p.evaluate((sel) => document.querySelector(sel).contains(document.activeElement), panel), `${panel} keeps focus`);
        }
        await p.keyboard.press('Escape');
        await p.waitForSelector(panel, { state: 'detached', timeout: 5_000 });
        if (panel !== '.library-panel') {
          await p.waitForFunction((id) => document.activeElement?.id === id, button.slice(1));
        }
      }

      // The settings search finds the seam settings, whichever tab is open.
      await p.click('.settings .tabs button:has-text("Filament")');
      await p.fill('#settings-search', 'seam');
      await p.waitForSelector('#setting-seam_position');
      const labels = await p.$$eval('.settings .setting label', (ls) => ls.map((l) => l.textContent));
      assert.ok(labels.length >= 1 && labels.length < 20, labels.join(', '));
      await shot('settings-search');
      await p.fill('#settings-search', '');
      await p.click('.settings .tabs button:has-text("Process")');
      // Help shows without hovering: under a field that has focus.
      await p.focus('#setting-layer_height');
      assert.ok(await p.isVisible('#help-layer_height'));
      // A value out of range is tied to its field.
      await p.fill('#setting-layer_height', '99');
      await p.press('#setting-layer_height', 'Enter');
      await p.locator('#setting-layer_height').blur();
      await p.waitForSelector('#error-layer_height');
      assert.equal(await p.getAttribute('#setting-layer_height', 'aria-invalid'), 'true');
      assert.match(await p.getAttribute('#setting-layer_height', 'aria-describedby'), /error-layer_height/);
      await p.click('.setting.invalid .reset').catch(() => {});
      await p.fill('#setting-layer_height', '0.2');
      await p.locator('#setting-layer_height').blur();

      // Accessibility: no serious or critical violations on the main screens.
      assert.deepEqual(await axe(p), [], 'preview screen');
      await p.click('#library-button');
      await p.waitForSelector('.library-panel');
      assert.deepEqual(await axe(p), [], 'library');
      await p.keyboard.press('Escape');
      await p.click('.preview-panel button:has-text("Back to models")');
      assert.deepEqual(await axe(p), [], 'models screen');
      // No text smaller than 12 px.
      const small = await p.evaluate(() => [...document.querySelectorAll('body *')]
        .filter((el) => el.childNodes.length && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
        .filter((el) => el.getClientRects().length && parseFloat(getComputedStyle(el).fontSize) < 12)
        .map((el) => `${el.tagName}.${el.className}: ${getComputedStyle(el).fontSize}`));
      assert.deepEqual(small, []);

      // Information goes by itself (an import's note); the empty plate invites models.
      await p.click('.object');
      await p.click('text=Delete');
      await p.waitForSelector('#empty-hint');
      await shot('empty');
      await p.setInputFiles('#file-input', join(SHARED, 'models', '20mm_cube.obj'));
      await p.waitForSelector('.message:not(.error)', { timeout: 30_000 });
      await p.waitForSelector('.message:not(.error)', { state: 'detached', timeout: 10_000 });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
