// Publishing a model to a WebDAV folder from the Lamina web app, in Debian's Chromium
// (headless), against a real WebDAV server (WsgiDAV from PyPI, started by scripts/webdav.sh:
// writable at /dav/ with a password, readable by anyone at /pub/, as a NAS share is). A wrong
// password is named; a good publish stores the model, its thumbnail and the catalog, and the
// library lists the model from the public address; a second publish (a model on the plate,
// sent as STL) adds to the same catalog; a change made meanwhile by someone else is not
// overwritten.
// Run by scripts/test.sh with the other browser tests (WEBDAV_HOME names the installation).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, SHARED, cards, freePort, launch, openApp, ready } from './env.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const WEBDAV_HOME = process.env.WEBDAV_HOME ?? join(ROOT, 'target/wsgidav');
const webdav = join(ROOT, 'scripts/webdav.sh');
const env = { ...process.env, WEBDAV_HOME };
let browser;
let base;
const errors = [];

before(async () => {
  base = execFileSync('bash', [webdav, 'start', String(await freePort())], { env, encoding: 'utf8', timeout: 300_000 }).trim();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  execFileSync('bash', [webdav, 'stop'], { env });
});

async function fillForm(p, { file, plate, name, tags, licence, password }) {
  if (plate) {
    await p.selectOption('#publish-from', { label: `On the plate: ${plate}` });
  } else {
    await p.selectOption('#publish-from', '');
    await p.setInputFiles('#publish-file', file);
  }
  await p.fill('#publish-name', name);
  await p.fill('#publish-author', 'Test Maker');
  await p.fill('#publish-tags', tags);
  await p.fill('#publish-licence', licence);
  await p.fill('#publish-folder', `${base}/dav/shelf`);
  await p.fill('#publish-user', 'maker');
  await p.fill('#publish-password', password);
  await p.fill('#publish-public', `${base}/pub/shelf/catalog.json`);
}

test('publish to WebDAV: wrong password named, model listed from the public address, added to, never overwritten', { timeout: 300_000 }, async () => {
  // The folder exists on the NAS; Lamina makes its sub-folders.
  execFileSync('curl', ['-sf', '-u', 'maker:lamina', '-X', 'MKCOL', `${base}/dav/shelf/`]);
  const { context, p } = await openApp(browser, errors, { width: 1400, height: 1000 });
  await p.click('#library-button');
  await p.waitForFunction(() => document.querySelectorAll('.library-grid .model-card').length === 3, null, { timeout: 30_000 });
  await p.click('.library-publish summary');

  const cube = join(SHARED, 'models/20mmbox-CRLF.stl');
  await fillForm(p, { file: cube, name: 'Shelf bracket', tags: 'bracket, shelf', licence: 'CC-BY-4.0', password: 'wrong' });
  await p.click('#publish-send');
  await p.waitForSelector('#publish-status.error-text', { timeout: 60_000 });
  assert.match(await p.textContent('#publish-status'), /Not published: reading the folder's catalog.json: the user name or password is wrong/);

  await p.fill('#publish-password', 'lamina');
  await p.click('#publish-send');
  await p.waitForSelector('#publish-status >> text=Published Shelf bracket', { timeout: 60_000 });
  await p.screenshot({ path: join(ARTIFACTS, 'publish.png'), fullPage: true });
  // On the server: the file byte for byte, a PNG thumbnail, the catalog naming both.
  const pub = `${base}/pub/shelf`;
  const catalog = JSON.parse(execFileSync('curl', ['-sf', `${pub}/catalog.json`], { encoding: 'utf8' }));
  assert.equal(catalog.format, 'lamina-catalog/1');
  assert.equal(catalog.models.length, 1);
  const m = catalog.models[0];
  assert.deepEqual([m.id, m.name, m.author, m.licence, m.tags], ['shelf-bracket', 'Shelf bracket', 'Test Maker', 'CC-BY-4.0', ['bracket', 'shelf']]);
  const stored = execFileSync('curl', ['-sf', `${pub}/${m.files[0].url}`]);
  assert.ok(stored.equals(readFileSync(cube)), 'the model arrives byte for byte');
  assert.equal(execFileSync('curl', ['-sf', `${pub}/${m.thumbnail}`]).subarray(1, 4).toString(), 'PNG');

  // The library now lists the public source with the model; it adds it to the bed.
  await p.waitForFunction(() => [...document.querySelectorAll('.library-grid .model-name')].some((n) => n.textContent === 'Shelf bracket'), null, { timeout: 30_000 });
  await p.fill('#library-search', 'bracket');
  await p.waitForFunction(() => document.querySelectorAll('.library-grid .model-card').length === 1);
  assert.deepEqual(await cards(p), ['Shelf bracket']);
  const sources = await p.$$eval('.library-sources .source span', (s) => s.map((x) => x.textContent));
  assert.ok(sources.includes(`${pub}/catalog.json`), `the source is listed: ${sources}`);
  await p.click('.library-grid .model-open');
  await p.click('.add-to-bed');
  await p.waitForSelector('text=Added Shelf bracket by Test Maker (CC-BY-4.0).', { timeout: 30_000 });
  await p.click('.model-back');
  await p.fill('#library-search', '');

  // The folder and user are remembered, the password is not.
  await p.reload();
  await ready(p);
  await p.click('#library-button');
  await p.click('.library-publish summary');
  assert.equal(await p.inputValue('#publish-folder'), `${base}/dav/shelf`);
  assert.equal(await p.inputValue('#publish-user'), 'maker');
  assert.equal(await p.inputValue('#publish-password'), '');
  await p.waitForFunction(() => [...document.querySelectorAll('.library-grid .model-name')].some((n) => n.textContent === 'Shelf bracket'), null, { timeout: 30_000 });

  // A second model, straight from the plate (the demo cube, as STL), joins the same catalog
  // under its own id.
  await fillForm(p, { plate: 'Calibration cube', name: 'Shelf bracket', tags: 'bracket', licence: 'CC0-1.0', password: 'lamina' });
  await p.click('#publish-send');
  await p.waitForSelector('#publish-status >> text=Published Shelf bracket', { timeout: 60_000 });
  const twice = JSON.parse(execFileSync('curl', ['-sf', `${pub}/catalog.json`], { encoding: 'utf8' }));
  assert.deepEqual(twice.models.map((x) => x.id), ['shelf-bracket', 'shelf-bracket-2']);
  const second = twice.models[1];
  assert.equal(second.files[0].url, 'models/shelf-bracket-2.stl');
  assert.equal(second.description, '20 × 20 × 20 mm');
  const stl = execFileSync('curl', ['-sf', `${pub}/${second.files[0].url}`]);
  assert.equal(stl.length, 84 + 12 * 50, 'a binary STL of the 12-triangle cube');
  await p.waitForFunction(() => [...document.querySelectorAll('.library-grid .model-name')].filter((n) => n.textContent === 'Shelf bracket').length === 2, null, { timeout: 30_000 });

  // Someone else changes the catalog between Lamina's read and its write: Lamina's write is
  // refused by the server, and their change stays. (The read is held back until the catalog
  // has been changed behind it.)
  await p.route('**/dav/shelf/catalog.json', async (route) => {
    if (route.request().method() === 'GET') {
      const answer = await route.fetch();
      const theirs = { ...twice, name: 'Changed by someone else' };
      execFileSync('curl', ['-sf', '-u', 'maker:lamina', '-X', 'PUT', '--data-binary', JSON.stringify(theirs), `${base}/dav/shelf/catalog.json`]);
      await route.fulfill({ response: answer });
    } else {
      await route.continue();
    }
  });
  await fillForm(p, { file: cube, name: 'Third', tags: '', licence: 'CC0-1.0', password: 'lamina' });
  await p.click('#publish-send');
  await p.waitForSelector('#publish-status.error-text', { timeout: 60_000 });
  assert.match(await p.textContent('#publish-status'), /storing catalog.json: someone changed the catalog meanwhile/);
  const after = JSON.parse(execFileSync('curl', ['-sf', `${pub}/catalog.json`], { encoding: 'utf8' }));
  assert.equal(after.name, 'Changed by someone else');
  assert.equal(after.models.length, 2);
  await p.unroute('**/dav/shelf/catalog.json');

  assert.deepEqual(errors, []);
  await context.close();
});
