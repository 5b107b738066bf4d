// Lamina hosted over HTTPS calling a printer on plain HTTP, in Debian's Chromium (headless):
// the app is served over TLS (a throw-away certificate made with openssl), and a printer
// (the Creality simulator in tests/creality_sim.py) answers at http://printer.test, a host
// name mapped to 127.0.0.1. The form explains the local-network permission before it is
// asked; refused, the request is explained with its fallbacks (open the printer's page,
// download the G-code); allowed (Local Network Access, granted through the DevTools
// protocol), plain HTTP requests and uploads go through, and the plain status socket, which
// Chromium never allows from HTTPS, is explained.
// Run by scripts/test.sh with the other browser tests.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:https';
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, DIST, launch, ready, freePort } from './env.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const CERT = join(ROOT, 'target/https-test');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.webmanifest': 'application/manifest+json', '.png': 'image/png', '.svg': 'image/svg+xml', '.toml': 'text/plain' };
let server;
let sim;
const browsers = [];
let ports;
const errors = [];

before(async () => {
  mkdirSync(CERT, { recursive: true });
  if (!existsSync(join(CERT, 'key.pem'))) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=lamina.test', '-keyout', join(CERT, 'key.pem'), '-out', join(CERT, 'cert.pem')], { stdio: 'ignore' });
  }
  const dist = resolve(DIST);
  server = createServer({ key: readFileSync(join(CERT, 'key.pem')), cert: readFileSync(join(CERT, 'cert.pem')) }, (req, res) => {
    const path = decodeURIComponent(new globalThis.URL(req.url, 'https://x').pathname);
    const file = normalize(join(dist, path.endsWith('/') ? path + 'index.html' : path));
    if (!file.startsWith(dist) || !existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  ports = { http: await freePort(), ws: await freePort() };
  sim = spawn('python3', [join(ROOT, 'tests/creality_sim.py'), '--http-port', String(ports.http), '--ws-port', String(ports.ws), '--dir', join(ROOT, 'target/creality-sim-https')], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((done) => sim.stdout.on('data', (d) => String(d).includes('READY') && done()));
});

/** Chromium with printer.test standing for a printer on the LAN (its ports count as the
 * local network); `lna` false turns Local Network Access off, as in older Chromium (Firefox
 * and Safari refuse such requests the same way). */
async function chromiumWith(lna) {
  const browser = await launch([
    '--disable-gpu',
    '--ignore-certificate-errors',
    '--host-resolver-rules=MAP lamina.test 127.0.0.1, MAP printer.test 127.0.0.1',
    `--ip-address-space-overrides=127.0.0.1:${ports.http}=local,127.0.0.1:${ports.ws}=local`,
    ...(lna ? [] : ['--disable-features=LocalNetworkAccessChecks']),
  ]);
  browsers.push(browser);
  return browser;
}

after(async () => {
  // A failed test leaves its browser open: close them all, and every connection, so that
  // nothing keeps the test process alive.
  await Promise.all(browsers.map((b) => b.close().catch(() => {})));
  server?.closeAllConnections();
  server?.close();
  sim?.kill();
});

async function open(browser, grant) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const p = await context.newPage();
  p.on('pageerror', (e) => errors.push(String(e)));
  const origin = `https://lamina.test:${server.address().port}`;
  const cdp = await context.newCDPSession(p);
  for (const name of ['local-network-access', 'local-network', 'loopback-network']) {
    await cdp.send('Browser.setPermission', { permission: { name }, setting: grant ? 'granted' : 'denied', origin }).catch(() => {});
  }
  await p.goto(`${origin}/`);
  await ready(p);
  await p.click('#printer-button');
  await p.click('#tab-network');
  await p.selectOption('#lan-kind', 'creality');
  await p.fill('#lan-address', `printer.test:${ports.http}`);
  return { context, p };
}

test('HTTPS page, plain-HTTP printer: the permission is explained first; refused, the fallbacks are offered', { timeout: 300_000 }, async () => {
  const browser = await chromiumWith(false);
  const { p } = await open(browser, false);
  assert.match(await p.textContent('#lan-lna-note'), /ask whether Lamina may reach devices on your local network/);
  await p.click('#lan-test');
  await p.waitForSelector('#lan-test-result', { timeout: 30_000 });
  assert.match(await p.textContent('#lan-test-result'), /opened over HTTPS and the printer answers plain HTTP at http:\/\/printer\.test:\d+\. .*allow Lamina to use your local network.*open the printer's own page, or download the G-code/);
  await p.fill('#lan-socket-port', String(ports.ws));
  await p.fill('#lan-name', 'Far K1');
  await p.click('#lan-add');
  const card = p.locator('.device', { hasText: 'Far K1' });
  await card.locator('.device-error').waitFor({ timeout: 30_000 });
  assert.equal(await card.locator('.device-download').count(), 1, 'the download is offered');
  assert.equal(await card.locator('a.device-open').getAttribute('href'), `http://printer.test:${ports.http}`);
  writeFileSync(join(ARTIFACTS, 'https-01-refused.png'), await p.screenshot());
  await browser.close();
});

test('HTTPS page, plain-HTTP printer: with local network access allowed, requests go through; the plain socket is explained', { timeout: 300_000 }, async () => {
  const browser = await chromiumWith(true);
  const { p } = await open(browser, true);
  await p.click('#lan-test');
  await p.waitForSelector('#lan-test-result', { timeout: 30_000 });
  assert.match(await p.textContent('#lan-test-result'), /Connected: Creality \(stock firmware\) says Ready \(model F001\)/);
  await p.fill('#lan-socket-port', String(ports.ws));
  await p.fill('#lan-name', 'Near K1');
  await p.click('#lan-add');
  // Chromium allows no plain WebSocket from an HTTPS page, local network or not.
  const card = p.locator('.device', { hasText: 'Near K1' });
  await card.locator('.device-error').waitFor({ timeout: 30_000 });
  assert.match(await card.locator('.device-error').textContent(), /would not open ws:\/\/printer\.test:\d+\/ .*open Lamina from an http:\/\/ address/);
  // The upload is plain HTTP: it goes through.
  await p.click('#slice-button');
  await p.waitForSelector('#download-button', { timeout: 300_000 });
  await card.locator('.device-start').uncheck();
  await card.locator('.device-send').click();
  await p.waitForSelector('.message >> text=/\\.gcode to Near K1\\.$/', { timeout: 60_000 });
  const name = (await p.textContent('.message >> text=/to Near K1\\.$/')).match(/Sent (.*\.gcode) to/)[1];
  assert.ok(readFileSync(join(ROOT, 'target/creality-sim-https', name), 'utf8').includes('G1 '), 'the file reached the printer');
  writeFileSync(join(ARTIFACTS, 'https-02-allowed.png'), await p.screenshot());
  await browser.close();
});

test('no errors were logged', () => {
  assert.deepEqual(errors, []);
});
