// Projects that survive a crash, in Debian's Chromium (headless): the page's process dies in
// the middle of saving a large project, and reopened, the project is whole (the version
// before, or the new one complete, never a mix). A full disk is projects.test.mjs's. Run by
// scripts/test.sh with the other browser tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, openPage, saved, useBrowser } from './env.mjs';

const session = useBrowser();
const errors = [];

/** A binary STL of `n` separate 1 mm cubes in rows (12 triangles each): a large, valid mesh. */
function manyCubes(n) {
  const faces = [[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4], [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]];
  const b = Buffer.alloc(84 + 50 * 12 * n);
  b.writeUInt32LE(12 * n, 80);
  const side = Math.ceil(Math.sqrt(n));
  let at = 84;
  for (let c = 0; c < n; c++) {
    const x = (c % side) * 1.5;
    const y = Math.floor(c / side) * 1.5;
    const v = [[x, y, 0], [x + 1, y, 0], [x + 1, y + 1, 0], [x, y + 1, 0], [x, y, 1], [x + 1, y, 1], [x + 1, y + 1, 1], [x, y + 1, 1]];
    for (const f of faces) {
      at += 12;
      for (const k of f) for (const a of v[k]) { b.writeFloatLE(a, at); at += 4; }
      at += 2;
    }
  }
  return b;
}

const open = (context) => openPage(context, errors);

async function nameProject(p, name) {
  await p.fill('#project-name', name);
  await p.press('#project-name', 'Enter');
  await saved(p);
}

test('a page that crashes while saving a large project reopens it whole', { timeout: 300_000 }, async () => {
  const file = join(ARTIFACTS, 'durability-cubes.stl');
  writeFileSync(file, manyCubes(40_000));
  const context = await session.browser.newContext({ viewport: { width: 1366, height: 768 } });
  // Tells the test when the page starts writing a mesh.
  await context.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...args) {
      const request = put.apply(this, args);
      if (this.name === 'meshes' && window.__onMeshWrite) window.__onMeshWrite();
      return request;
    };
  });
  try {
    const p = await open(context);
    await nameProject(p, 'Durable');
    const before = await p.locator('.object-list li.object').count();
    // Crash the page's process while the new model's mesh is being written.
    const cdp = await context.newCDPSession(p);
    const crashed = new Promise((done) => p.once('crash', done));
    await p.exposeFunction('__crashNow', () => { cdp.send('Page.crash').catch(() => {}); });
    await p.evaluate(() => { window.__onMeshWrite = () => window.__crashNow(); });
    await p.setInputFiles('#file-input', file);
    await crashed;
    // Reopened: the project is the one saved before, or the new one complete.
    const q = await open(context);
    assert.equal(await q.inputValue('#project-name'), 'Durable');
    const after = await q.locator('.object-list li.object').count();
    assert.ok(after === before || after === before + 1, `${after} objects after the crash, ${before} before`);
    if (after === before + 1) {
      assert.match(await q.textContent('.object-list'), /480000 triangles/);
    }
    assert.equal(await q.locator('.message.error, .banner.error-text').count(), 0, 'no error on opening');
    writeFileSync(join(ARTIFACTS, 'durability-01-reopened.png'), await q.screenshot());
    console.log(`after the crash: ${after === before ? 'the version before' : 'the new version'}, whole`);
  } finally {
    await context.close();
  }
});

test('no errors were logged', () => {
  assert.deepEqual(errors, []);
});
