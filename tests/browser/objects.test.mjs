// Working with objects in the app (Debian's Chromium, headless, 1366×768): Ctrl- and
// Shift-click select several copies, the context menu renames, centres, lays flat, copies
// and deletes them, the Move, Rotate and Scale handles change the model in steps of 1 mm,
// 15° and 5%, laying on a face highlights the face under the pointer, Measure gives a
// face's size and the distance between two points, the preview's per-layer time plot
// marks the minimum layer time, and a printer's G-code pictures show in the preview.
// Run by scripts/test.sh like the other browser tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, axe, openApp, pixels, useBrowser } from './env.mjs';

const session = useBrowser();
const errors = [];

/** The Placement fields' values, by label. */
async function placement(p) {
  return p.$$eval('.transform .number', (ls) => Object.fromEntries(ls.map((l) => [l.querySelector('span').textContent, Number(l.querySelector('input').value)])));
}

/** Moves the pointer from the view's centre along (dx, dy) until the gizmo shows `name`
 * under it; returns the point, or null. */
async function findHandle(p, name, dx, dy) {
  const box = await p.locator('#view').boundingBox();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  // From 30 px out: at the centre every arrow starts.
  for (let t = 30; t < Math.min(box.width, box.height) / 2; t += 2) {
    const x = cx + dx * t, y = cy + dy * t;
    await p.mouse.move(x, y);
    if ((await p.getAttribute('#view', 'data-hover')) === name) return { x, y, cx, cy };
  }
  return null;
}

test('select, context menu, gizmos, lay on face and the layer time plot', async () => {
  const { context, p } = await openApp(session.browser, errors, { width: 1366, height: 768 });
  try {
    const shot = (name) => p.screenshot({ path: join(ARTIFACTS, `objects-${name}.png`) });
    // Two copies more: three in the list.
    await p.click('.object');
    const middle = await placement(p);
    await p.click('.objects button:has-text("Copy")');
    await p.click('.objects button:has-text("Copy")');
    await p.waitForFunction(() => document.querySelectorAll('.object').length === 3);
    const rows = p.locator('.object');

    // Ctrl-click adds, Shift-click takes a run, a plain click one again.
    await rows.nth(0).click();
    await rows.nth(2).click({ modifiers: ['Control'] });
    const selected = () => p.$$eval('.object', (os) => os.map((o) => o.getAttribute('aria-selected') === 'true'));
    assert.deepEqual(await selected(), [true, false, true]);
    await rows.nth(0).click();
    await rows.nth(2).click({ modifiers: ['Shift'] });
    assert.deepEqual(await selected(), [true, true, true]);
    await rows.nth(1).click({ modifiers: ['Control'] });
    assert.deepEqual(await selected(), [true, false, true]);

    // The context menu: Delete takes both selected copies.
    await rows.nth(2).click({ button: 'right' });
    await p.waitForSelector('.object-menu');
    await shot('menu');
    assert.equal(await p.isDisabled('.menu-rename'), true, 'one name for one object');
    await p.click('.menu-delete');
    await p.waitForFunction(() => document.querySelectorAll('.object').length === 1);
    // Rename from the keyboard (Shift+F10 on the focused row), kept through undo.
    await rows.nth(0).focus();
    await p.keyboard.press('Shift+F10');
    await p.waitForSelector('.object-menu');
    await p.waitForFunction(() => document.querySelector('.object-menu').contains(document.activeElement));
    assert.deepEqual(await axe(p), [], 'the context menu');
    await p.click('.menu-rename');
    assert.deepEqual(await axe(p), [], 'renaming');
    await p.fill('#rename-input', 'Bracket');
    await p.press('#rename-input', 'Enter');
    await p.waitForSelector('.object-menu', { state: 'detached' });
    assert.equal(await p.textContent('.object .name'), 'Bracket');
    // Escape closes the menu.
    await rows.nth(0).click({ button: 'right' });
    await p.waitForSelector('.object-menu');
    await p.keyboard.press('Escape');
    await p.waitForSelector('.object-menu', { state: 'detached' });

    // Center: moved off centre with the X field, the menu brings it back.
    await rows.nth(0).click();
    const x = p.locator('.transform .number').nth(0).locator('input');
    const home = (await placement(p)).X;
    await x.fill(String(home + 40));
    await x.press('Enter');
    await p.waitForFunction((h) => Math.abs(Number(document.querySelector('.transform .number input').value) - h - 40) < 0.01, home);
    await rows.nth(0).click({ button: 'right' });
    await p.click('.menu-center');
    await p.waitForFunction(([x, y]) => {
      const [a, b] = [...document.querySelectorAll('.transform .number input')].map((i) => Number(i.value));
      return Math.abs(a - x) < 0.01 && Math.abs(b - y) < 0.01;
    }, [middle.X, middle.Y]);

    // Lay flat undoes a tilt: Rot X 20° stands the cube on an edge; lay flat puts it on a face.
    const rotX = p.locator('.transform .number', { hasText: 'Rot X' }).locator('input');
    await rotX.fill('20');
    await rotX.press('Enter');
    await p.waitForFunction(() => !/20\.0 × 20\.0 mm$/.test(document.querySelector('.object .meta').textContent));
    await rows.nth(0).click({ button: 'right' });
    await p.click('.menu-lay-flat');
    await p.waitForFunction(() => /× 20\.0 mm$/.test(document.querySelector('.object .meta').textContent));

    // The gizmo, seen from the top.
    await p.click('.view-buttons button:has-text("Top")');
    await p.waitForTimeout(300);
    const before = await placement(p);
    await p.click('.gizmo-tool:has-text("Move")');
    assert.equal(await p.getAttribute('.gizmo-tool:has-text("Move")', 'aria-pressed'), 'true');
    await shot('gizmo-move');
    assert.deepEqual(await axe(p), [], 'the gizmo');
    let h = await findHandle(p, 'move-x', 1, 0) ?? await findHandle(p, 'move-x', -1, 0)
      ?? await findHandle(p, 'move-x', 0, 1) ?? await findHandle(p, 'move-x', 0, -1);
    assert.ok(h, 'the X arrow can be grabbed');
    await p.mouse.down();
    const len = Math.hypot(h.x - h.cx, h.y - h.cy);
    await p.mouse.move(h.x + ((h.x - h.cx) / len) * 80 + 1, h.y + ((h.y - h.cy) / len) * 80 + 1, { steps: 5 });
    await p.mouse.up();
    let after = await placement(p);
    const dx = after.X - before.X;
    assert.ok(Math.abs(dx) >= 1 && Math.abs(dx - Math.round(dx)) < 1e-6, `moved ${dx} mm along X, in whole mm`);
    assert.equal(after.Y, before.Y, 'the X arrow keeps Y');
    // One undo step takes the whole drag back.
    await p.keyboard.press('Control+z');
    await p.waitForFunction((x0) => Math.abs(Number(document.querySelector('.transform .number input').value) - x0) < 0.01, before.X);

    // Rotate (R): the Z ring, met on a diagonal from above, turns in 15° steps.
    await p.focus('#view');
    await p.keyboard.press('r');
    await p.waitForFunction(() => document.querySelector('.gizmo-tool.active')?.textContent === 'Rotate');
    h = await findHandle(p, 'rotate-z', 0.7071, 0.7071);
    assert.ok(h, 'the Z ring can be grabbed');
    await shot('gizmo-rotate');
    await p.mouse.down();
    // A quarter turn around the centre.
    const r = Math.hypot(h.x - h.cx, h.y - h.cy);
    for (let k = 1; k <= 8; k++) {
      const a = Math.PI / 4 + (k / 8) * (Math.PI / 2);
      await p.mouse.move(h.cx + r * Math.cos(a), h.cy + r * Math.sin(a));
    }
    await p.mouse.up();
    after = await placement(p);
    const rz = after['Rot Z'];
    assert.ok(Math.abs(rz) > 10 && Math.abs(rz / 15 - Math.round(rz / 15)) < 1e-3, `turned ${rz}° about Z, in 15° steps`);
    await p.keyboard.press('Control+z');

    // Scale (S): the X box stretches the cube along X only, in 5% steps.
    await p.click('.gizmo-tool:has-text("Scale")');
    h = await findHandle(p, 'scale-x', 1, 0) ?? await findHandle(p, 'scale-x', -1, 0)
      ?? await findHandle(p, 'scale-x', 0, 1) ?? await findHandle(p, 'scale-x', 0, -1);
    assert.ok(h, 'the X scale box can be grabbed');
    await p.mouse.down();
    await p.mouse.move(h.cx + (h.x - h.cx) * 1.5, h.cy + (h.y - h.cy) * 1.5, { steps: 5 });
    await p.mouse.up();
    after = await placement(p);
    assert.ok(after['Scale X'] > 120 && after['Scale X'] % 5 === 0, `Scale X ${after['Scale X']}%`);
    assert.equal(after['Scale Y'], 100);
    await shot('gizmo-scale');
    await p.keyboard.press('Control+z');
    await p.click('.gizmo-tool:has-text("Scale")');
    await p.waitForFunction(() => !document.querySelector('.gizmo-tool.active'));

    // Lay on face: the face under the pointer is highlighted before the click.
    await p.click('.view-buttons button:has-text("Iso")');
    await p.waitForTimeout(300);
    const plain = (await p.locator('#view').screenshot()).toString('base64');
    await p.click('button:has-text("Lay on face")');
    const box = await p.locator('#view').boundingBox();
    await p.mouse.move(box.x + box.width / 2 - 5, box.y + box.height / 2 - 5);
    await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p.waitForSelector('#view[data-face]');
    await p.waitForTimeout(200);
    const lit = (await p.locator('#view').screenshot()).toString('base64');
    const { differ } = await pixels(p, plain, lit);
    assert.ok(differ > 200, `the face under the pointer is drawn highlighted (${differ} px changed)`);
    await shot('lay-on-face');
    await p.click('button:has-text("Lay on face")');

    // Measure (D): a face's size, then the distance between two points on the top.
    await p.click('.view-buttons button:has-text("Top")');
    await p.waitForTimeout(300);
    await p.focus('#view');
    await p.keyboard.press('d');
    await p.waitForSelector('.measure-readout');
    const vb = await p.locator('#view').boundingBox();
    await p.mouse.click(vb.x + vb.width / 2 - 60, vb.y + vb.height / 2);
    await p.waitForSelector('#measure-face');
    assert.equal(await p.textContent('#measure-face'), 'Face 20.00 × 20.00 mm, 400.0 mm²');
    await p.mouse.click(vb.x + vb.width / 2 + 60, vb.y + vb.height / 2);
    await p.waitForFunction(() => /^Distance/.test(document.querySelector('#measure-distance')?.textContent));
    const m = (await p.textContent('#measure-distance')).match(/^Distance ([\d.]+) mm \(X ([\d.]+), Y ([\d.]+), Z ([\d.]+)\)$/);
    assert.ok(m, await p.textContent('#measure-distance'));
    const [dist, mx, my, mz] = m.slice(1).map(Number);
    assert.ok(dist > 2 && dist < 20.01 && mz < 0.01, `${dist} mm across the top`);
    assert.ok(Math.abs(Math.hypot(mx, my) - dist) < 0.02);
    await shot('measure');
    await p.keyboard.press('Escape');
    await p.waitForSelector('.measure-readout', { state: 'detached' });

    // The per-layer time plot, with the minimum layer time (a small cube is all short layers).
    await p.click('#slice-button');
    await p.waitForSelector('#download-button', { timeout: 120_000 });
    await p.waitForSelector('#layer-time-plot');
    const plot = await p.$eval('#layer-time-plot', (s) => ({ label: s.getAttribute('aria-label'), under: s.querySelector('.under').getAttribute('d'), min: s.querySelector('.min').getAttribute('y1') }));
    assert.match(plot.label, /minimum layer time \(8 s\)/);
    assert.ok(Number(plot.min) > 0 && Number(plot.min) < 64, `the minimum's line at y ${plot.min}`);
    assert.match(await p.textContent('#layer-time-summary'), /(No layer|\d+ layers?) under the minimum layer time \(8 s\)/);
    // A click on the plot picks that layer.
    const pb = await p.locator('#layer-time-plot').boundingBox();
    await p.mouse.click(pb.x + pb.width * 0.5, pb.y + pb.height / 2);
    const hi = Number(await p.inputValue('#layer-hi'));
    const n = Number(await p.getAttribute('#layer-hi', 'max')) + 1;
    assert.ok(Math.abs(hi - n / 2) <= 2, `layer ${hi} of ${n}`);
    await shot('layer-times');

    // A printer with a screen: the slice's G-code carries its pictures, shown in the preview.
    assert.equal(await p.$('#gcode-pictures'), null, 'this printer takes no pictures');
    await p.selectOption('#preset-printer', 'creality-k1');
    await p.click('#slice-button');
    await p.waitForSelector('#download-button', { timeout: 120_000 });
    await p.waitForSelector('#gcode-pictures img');
    await p.waitForFunction(() => [...document.querySelectorAll('#gcode-pictures img')].every((i) => i.complete && i.naturalWidth > 0));
    const pics = await p.$$eval('#gcode-pictures img', (is) => is.map((i) => [i.naturalWidth, i.naturalHeight]));
    assert.deepEqual(pics, [[96, 96], [300, 300]]);
    assert.match(await p.textContent('#gcode-pictures'), /96×96 PNG.*300×300 PNG/);
    await shot('gcode-pictures');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
