// Assist in the Lamina web app, in Debian's Chromium (headless): the title-bar switch and its
// privacy note; auto-orientation of a model that needs support (best three with scores, one
// applied, then undone); setting advice applied; findings after slicing pointing the preview
// at their layer; troubleshooting by symptom saved as the user's presets; and Assist off
// hiding every helper (and the checks of a slice made meanwhile), kept over a reload.
// Run by scripts/test.sh with the other browser tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, SHARED, openApp, pixels, ready, saved, useBrowser } from './env.mjs';

const session = useBrowser();
const errors = [];

const nowSupport = async (p) => Number((await p.textContent('#assist-panel >> text=/^Now: overhanging surface/')).match(/surface (\d+) mm²/)[1]);

test('Assist: orient, advise, findings at their layer, troubleshoot, and off hides it all', { timeout: 300_000 }, async () => {
  const { context, p } = await openApp(session.browser, errors, { width: 1400, height: 1000 });
  assert.equal(await p.textContent('#assist-toggle'), 'Assist on');
  assert.match(await p.textContent('.assist-privacy'), /on this device.*not uploaded/);

  // A model that needs support, alone on the plate.
  await p.setInputFiles('#file-input', join(SHARED, 'models', 'U_overhang.obj'));
  await p.waitForFunction(() => document.querySelector('.object-list')?.textContent.includes('U_overhang'));
  await p.click('.object >> text=Calibration cube');
  await p.click('text=Delete');
  await p.click('.object >> text=U_overhang');

  // Orientation: three poses with scores; the best needs less support; undo turns it back.
  await p.click('#assist-orient');
  await p.waitForSelector('.orient-option');
  assert.equal(await p.locator('.orient-option').count(), 3);
  const before = await nowSupport(p);
  assert.ok(before > 50, `the U needs support as it stands (${before} mm²)`);
  assert.match(await p.textContent('.orient-option >> nth=0'), /^1\. overhanging surface \d+ mm² · on the bed \d+ mm² · height \d+ mm · score -?\d+/);
  // Pointing at a pose shows it on the plate, in place of the model; leaving puts it back.
  const view = async () => (await p.locator('#view').screenshot()).toString('base64');
  const standing = await view();
  await p.hover('.orient-option >> nth=0');
  await p.waitForTimeout(300);
  const { differ } = await pixels(p, standing, await view());
  assert.ok(differ > 500, `the pose is drawn on the plate (${differ} px changed)`);
  await p.screenshot({ path: join(ARTIFACTS, 'assist-pose-preview.png') });
  await p.hover('#assist-orient');
  await p.waitForTimeout(300);
  assert.ok((await pixels(p, standing, await view())).differ < 50, 'the model stands as it was');
  await p.click('.orient-option >> nth=0 >> .orient-apply');
  await p.waitForSelector('text=/Turned: overhanging surface/');
  await p.click('#assist-orient');
  await p.waitForSelector('.orient-option');
  const turned = await nowSupport(p);
  assert.ok(turned < before / 4, `turned, it needs far less support (${turned} mm² vs ${before})`);
  await p.screenshot({ path: join(ARTIFACTS, 'assist-orient.png') });
  await p.click('text=Undo');
  await p.click('#assist-orient');
  await p.waitForSelector('.orient-option');
  assert.equal(await nowSupport(p), before, 'undo restores the pose');

  // Slice without support: the overhang is found and shown at its layer.
  await p.click('#slice-button');
  await p.waitForSelector('#download-button', { timeout: 120_000 });
  const finding = p.locator('.finding[data-kind=Overhang]');
  await finding.waitFor();
  assert.match(await finding.textContent(), /overhang steeper than 45° with nothing under it/);
  const layer = Number((await finding.locator('.finding-show').textContent()).match(/Show layer (\d+)/)[1]);
  await finding.locator('.finding-show').click();
  await p.waitForFunction((n) => document.querySelector('#layer-label')?.textContent.startsWith(`Layers 1–${n} of`), layer);
  await p.screenshot({ path: join(ARTIFACTS, 'assist-finding.png') });

  // Advice: supports, with its reason; Apply turns them on and the advice is gone.
  await p.click('#assist-check');
  const supports = p.locator('.advice[data-rule=supports]');
  await supports.waitFor();
  assert.match(await supports.textContent(), /hangs out more steeply than 45° with nothing under it/);
  assert.match(await supports.locator('.advice-changes').textContent(), /Supports: off → on/);
  await supports.locator('.advice-apply').click();
  await p.waitForFunction(() => !document.querySelector('.advice[data-rule=supports]'));
  await p.click('#slice-button');
  await p.waitForSelector('#download-button', { timeout: 120_000 });
  await p.waitForSelector('#assist-panel >> text=After slicing');
  assert.equal(await p.locator('.finding[data-kind=Overhang]').count(), 0, 'supported, the overhang is no longer found');

  // Troubleshooting: stringing → ranked changes → saved as the user's presets and chosen.
  await p.selectOption('#assist-symptom', 'stringing');
  await p.waitForSelector('.remedy');
  const remedies = await p.$$eval('.remedy', (r) => r.map((x) => x.textContent));
  assert.ok(remedies.length >= 3, remedies.join('\n'));
  assert.match(remedies[0], /→/);
  await p.click('#assist-save-preset');
  await p.waitForSelector('text=/Saved and chose/');
  const chosen = await p.$$eval('.picker select', (s) => s.map((x) => x.selectedOptions[0].textContent));
  assert.ok(chosen.some((n) => /against stringing \(yours\)/.test(n)), chosen.join(', '));

  // Off hides every helper, and stays off after a reload (once the project is saved).
  await saved(p);
  await p.click('#assist-toggle');
  assert.equal(await p.textContent('#assist-toggle'), 'Assist off');
  assert.equal(await p.locator('#assist-panel').count(), 0);
  assert.equal(await p.locator('.orient-option, .advice, .finding, .remedy').count(), 0);
  await p.reload();
  await ready(p);
  await p.waitForFunction(() => document.querySelector('#assist-toggle')?.textContent === 'Assist off');
  assert.equal(await p.locator('#assist-panel').count(), 0);
  // Sliced with Assist off, the layers were not checked, and Assist says so when switched on.
  await p.click('#slice-button');
  await p.waitForSelector('#download-button', { timeout: 120_000 });
  await p.click('#assist-toggle');
  await p.waitForSelector('#assist-panel >> text=Slice again to check the layers');
  await p.click('#slice-button');
  // Checked this time: the U's thin wall still prints too quickly to cool (support on).
  await p.waitForSelector('.finding[data-kind=LayerTime]', { timeout: 120_000 });
  assert.equal(await p.locator('.finding[data-kind=Overhang]').count(), 0);

  assert.deepEqual(errors, []);
  await context.close();
});
