// The model library in the Lamina web app, in Debian's Chromium (headless): the catalog served
// beside the app (web/library) is browsed, searched and sorted; a model's page shows its
// licence and adds it to the bed (checked against the catalog); a favourite survives a reload;
// sources that answer garbage or 404 get an error of their own while the rest works; a
// catalog whose file is not what it claims, or is no model, is refused in words.
// Run by scripts/test.sh with the other browser tests.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, cards, launch, openApp, ready } from './env.mjs';

let browser;
let server;
const errors = [];

before(async () => {
  // A second host: a garbage catalog, and a catalog whose files lie.
  const html = Buffer.from('<html><body>Not a model</body></html>');
  const sha = (b) => createHash('sha256').update(b).digest('hex');
  const entry = (id, name, url, file, claimed) => ({
    id, name, author: 'Someone', licence: 'CC-BY-4.0', tags: ['test'], description: '', thumbnail: 'none.png',
    files: [{ url, size: file.length, sha256: claimed ?? sha(file) }], created: '2026-01-01',
  });
  const liar = {
    format: 'lamina-catalog/1',
    name: 'Liar',
    report: 'https://example.org/report?model={id}',
    models: [
      entry('not-a-model', 'Page posing as a model', 'page.stl', html),
      entry('wrong-hash', 'Changed file', 'page2.stl', html, '0'.repeat(64)),
    ],
  };
  server = createServer((req, res) => {
    const cors = { 'Access-Control-Allow-Origin': '*' };
    if (req.url === '/garbage.json') {
      res.writeHead(200, { ...cors, 'Content-Type': 'text/html' });
      res.end('<html>hello</html>');
    } else if (req.url === '/liar.json') {
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
      res.end(JSON.stringify(liar));
    } else if (req.url === '/page.stl' || req.url === '/page2.stl') {
      res.writeHead(200, { ...cors, 'Content-Type': 'text/html' });
      res.end(html);
    } else {
      res.writeHead(404, cors);
      res.end();
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
});

test('library: browse, search, sort, add to bed, favourite kept; broken sources and lying files', { timeout: 300_000 }, async () => {
  const { context, p } = await openApp(browser, errors);

  await p.click('#library-button');
  await p.waitForFunction(() => document.querySelectorAll('.library-grid .model-card').length === 3, null, { timeout: 30_000 });
  assert.deepEqual(await cards(p), ['Calibration cube', 'Overhang test', 'Temperature tower']);
  // Pictures load after the cards appear: wait for them (a slow machine takes a moment).
  await p.waitForFunction(() => [...document.querySelectorAll('.library-grid img')].every((x) => x.complete), null, { timeout: 30_000 }).catch(() => {});
  const thumbs = await p.$$eval('.library-grid img', (i) => i.map((x) => x.complete && x.naturalWidth));
  assert.deepEqual(thumbs, [256, 256, 256], 'thumbnails load');
  await p.fill('#library-search', 'temperature');
  await p.waitForFunction(() => document.querySelectorAll('.library-grid .model-card').length === 1);
  await p.fill('#library-search', 'nothing like this');
  await p.waitForSelector('.library-panel >> text=No models match.');
  await p.fill('#library-search', '');
  await p.selectOption('#library-sort', 'author');
  assert.equal((await cards(p)).length, 3);
  assert.equal(await p.textContent('#library-page'), 'Page 1 of 1');
  assert.ok(await p.isDisabled('#library-next') && await p.isDisabled('#library-prev'), 'one page: no paging');
  writeFileSync(join(ARTIFACTS, 'library-01-grid.png'), await p.screenshot());

  // A model's page, and onto the bed.
  await p.click('.model-card[data-id=temperature-tower] .model-open');
  assert.match(await p.textContent('.model-meta'), /by Lamina · licence CC0-1\.0/);
  assert.match(await p.textContent('.model-tags'), /#temperature/);
  await p.click('.add-to-bed');
  await p.waitForFunction(() => document.querySelector('.object-list')?.textContent.includes('Temperature tower'), null, { timeout: 30_000 });
  assert.match(await p.locator('.messages').textContent(), /Added Temperature tower by Lamina \(CC0-1\.0\)\./);
  writeFileSync(join(ARTIFACTS, 'library-02-model.png'), await p.screenshot());
  await p.click('.model-page .favourite');
  await p.click('.model-page .like');
  await p.click('.model-back');

  // The favourite survives a reload.
  await p.waitForTimeout(300);
  await p.reload();
  await ready(p);
  await p.click('#library-button');
  await p.waitForSelector('.model-card[data-id=temperature-tower] .favourite.active', { timeout: 30_000 });
  await p.check('#library-favourites-only');
  assert.deepEqual(await cards(p), ['Temperature tower']);
  await p.uncheck('#library-favourites-only');

  // Broken sources: an error each, the rest still there.
  const base = `http://127.0.0.1:${server.address().port}`;
  await p.click('.library-sources summary');
  for (const path of ['/garbage.json', '/missing.json', '/liar.json']) {
    await p.fill('#library-source-url', base + path);
    await p.click('#library-add-source');
  }
  await p.waitForFunction(() => document.querySelectorAll('.source-error').length === 2, null, { timeout: 30_000 });
  const sourceErrors = await p.$$eval('.source-error', (e) => e.map((x) => x.textContent));
  assert.match(sourceErrors.find((e) => e.includes('garbage')), /not a model catalog/);
  assert.match(sourceErrors.find((e) => e.includes('missing')), /answered 404/);
  await p.waitForFunction(() => document.querySelectorAll('.library-grid .model-card').length === 5, null, { timeout: 30_000 });

  // Files that are not what the catalog says are refused.
  await p.click('.model-card[data-id=not-a-model] .model-open');
  assert.equal(await p.getAttribute('.report', 'href'), 'https://example.org/report?model=not-a-model');
  await p.click('.add-to-bed');
  await p.waitForSelector('.message >> text=/Page posing as a model: page\\.stl is not a model Lamina can open/', { timeout: 30_000 });
  await p.click('.model-back');
  await p.click('.model-card[data-id=wrong-hash] .model-open');
  await p.click('.add-to-bed');
  await p.waitForSelector('.message >> text=/the file is not the one the catalog describes/', { timeout: 30_000 });
  writeFileSync(join(ARTIFACTS, 'library-03-errors.png'), await p.screenshot());
  assert.doesNotMatch(await p.textContent('.object-list'), /page/);

  // Sources are kept; a removed one is gone after a reload.
  await p.reload();
  await ready(p);
  await p.click('#library-button');
  await p.waitForFunction(() => document.querySelectorAll('.library-grid .model-card').length === 5, null, { timeout: 30_000 });
  await p.click('.library-sources summary');
  await p.locator('.source', { hasText: 'liar.json' }).locator('.source-remove').click();
  await p.waitForFunction(() => document.querySelectorAll('.library-grid .model-card').length === 3);
  await context.close();
});

test('no errors were logged', () => {
  assert.deepEqual(errors, []);
});
