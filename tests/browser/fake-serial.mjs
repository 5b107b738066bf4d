// A stand-in for navigator.serial for the browser tests (a headless browser cannot reach a
// real serial port): a Marlin printer on a port that checks line numbers and checksums, asks
// for lines again (and corrupts a few lines on purpose), answers M115 and M105 like Marlin,
// and records the commands it ran. `hostile: true` makes every answer carry markup; pull()
// takes the cable out. Pass it to context.addInitScript (it runs in the page).

/** The stand-in for navigator.serial: a Marlin printer on a port. */
export function fakeSerial(options = {}) {
  const ran = [];
  const received = [];
  let last = 0;
  let corruptEvery = 97;
  let count = 0;
  let push;
  const enc = new TextEncoder();
  // What a hostile printer answers with: markup that would run if it were taken as HTML.
  const payload = '<img src=x onerror="window.__ran=1"><script>window.__ran=2</script>';
  let lost = false;
  let streamController;
  const say = (s) => push(enc.encode(s + '\n'));
  const run = (line) => {
    received.push(line);
    count++;
    let bad = corruptEvery > 0 && count % corruptEvery === 0;
    const star = line.lastIndexOf('*');
    const body = star >= 0 ? line.slice(0, star) : line;
    let sum = 0;
    for (const c of body) sum ^= c.charCodeAt(0);
    if (star < 0 || String(sum) !== line.slice(star + 1)) bad = true;
    const m = /^N(\d+) (.*)$/.exec(body);
    if (bad || !m) {
      say(`Error:checksum mismatch, Last Line: ${last}`);
      say(`Resend: ${last + 1}`);
      say('ok');
      return;
    }
    const n = Number(m[1]);
    const cmd = m[2];
    if (cmd.startsWith('M110')) {
      last = n;
      say('ok');
      return;
    }
    if (n !== last + 1) {
      say(`Error:Line Number is not Last Line Number+1, Last Line: ${last}`);
      say(`Resend: ${last + 1}`);
      say('ok');
      return;
    }
    last = n;
    ran.push(cmd);
    if (cmd === 'M115') {
      const name = options.hostile ? `Marlin ${payload}` : 'Marlin 2.1.2 (stand-in)';
      const machine = options.hostile ? `Ender ${payload}` : 'Ender-3 V3 SE';
      say(`FIRMWARE_NAME:${name} SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin PROTOCOL_VERSION:1.0 MACHINE_TYPE:${machine} EXTRUDER_COUNT:1`);
      say('Cap:AUTOREPORT_TEMP:0');
      say('ok');
    } else if (cmd === 'M105') {
      say('ok T:205.3 /210.0 B:59.8 /60.0 @:80 B@:30');
    } else if (options.hostile) {
      say(`echo:${payload}`);
      say(cmd === 'M999' ? `Error:${payload}` : 'ok');
    } else {
      say('ok');
    }
  };
  let partial = '';
  let chosen = false;
  const port = {
    async open(options) {
      port.baudRate = options.baudRate;
      port.readable = new ReadableStream({
        start(controller) {
          streamController = controller;
          push = (bytes) => {
            // Replies still on their way when the app has cancelled the reader are lost, as
            // a real port's are.
            try { controller.enqueue(bytes); } catch { /* the stream is closed */ }
          };
          setTimeout(() => { say('start'); say('echo: External Reset'); }, 50);
        },
      });
      port.writable = new WritableStream({
        write(chunk) {
          if (lost) throw new DOMException('The device has been lost.', 'NetworkError');
          partial += new TextDecoder().decode(chunk);
          let i;
          while ((i = partial.indexOf('\n')) >= 0) {
            const line = partial.slice(0, i).trim();
            partial = partial.slice(i + 1);
            if (line) setTimeout(() => run(line), 1);
          }
        },
      });
    },
    async close() {},
    getInfo() { return { usbVendorId: 0x1a86, usbProductId: 0x7523 }; },
  };
  Object.defineProperty(navigator, 'serial', {
    value: {
      requestPort: async () => { chosen = true; return port; },
      getPorts: async () => (chosen ? [port] : []),
    },
  });
  // pull(): the cable comes out; reading and writing fail as they do in Chromium.
  const pull = () => {
    lost = true;
    streamController.error(new DOMException('The device has been lost.', 'NetworkError'));
  };
  window.__printer = { ran, received, port, noise: (k) => { corruptEvery = k; }, pull };
}
