#!/usr/bin/env python3
"""A small stand-in for a Creality printer on stock firmware (K1 family), for Lamina's tests.

It implements what src/engine/printer/creality.rs documents, and nothing more:
- HTTP: GET /info -> {"model": ...}; POST /upload/<name> (multipart, file in "file", an MD5
  header checked when present) stores the file in --dir; CORS allowed (real printers: unknown).
- WebSocket on its own port: pushes the fields that changed every 0.3 s (the whole state on
  connecting and on {"method":"get"}), answers the heartbeat with "ok", and follows
  opGcodeFile (start an uploaded file), pause 1/0 and stop 1. A job runs --job-seconds.
Python's standard library only. Prints "READY" once both ports listen.
"""
import argparse
import base64
import hashlib
import json
import os
import re
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GCODE_DIR = "/usr/data/printer_data/gcodes/"


class Printer:
    def __init__(self, directory, job_seconds):
        self.dir = directory
        self.job_seconds = job_seconds
        self.lock = threading.Lock()
        self.state = 0
        self.file = ""
        self.done = 0.0  # seconds of the job printed
        self.last = time.monotonic()
        self.nozzle, self.bed = 25.0, 25.0
        self.commands = []

    def tick(self):
        now = time.monotonic()
        dt, self.last = now - self.last, now
        heating = self.state in (1, 5)
        for name, target in (("nozzle", 220.0 if heating else 0.0), ("bed", 60.0 if heating else 0.0)):
            cur = getattr(self, name)
            goal = target or 25.0
            setattr(self, name, round(cur + (goal - cur) * min(1.0, dt * 2), 1))
        if self.state == 1:
            self.done = min(self.job_seconds, self.done + dt)
            if self.done >= self.job_seconds:
                self.state = 0

    def fields(self):
        with self.lock:
            self.tick()
            active = self.state in (1, 5)
            progress = int(100 * self.done / self.job_seconds) if self.file else 0
            return {
                "model": "F001",
                "hostname": "K1-SIM",
                "state": self.state,
                "deviceState": 1 if active else 0,
                "printFileName": (GCODE_DIR + self.file) if self.file else "",
                "printProgress": progress,
                "printJobTime": int(self.done),
                "printLeftTime": int(self.job_seconds - self.done) if active else 0,
                # Some firmware sends numbers as strings.
                "nozzleTemp": f"{self.nozzle:.2f}",
                "targetNozzleTemp": 220 if active else 0,
                "bedTemp0": self.bed,
                "targetBedTemp0": 60 if active else 0,
                "err": {"errcode": 0, "key": 0},
            }

    def set(self, params):
        with self.lock:
            self.tick()
            for key, value in params.items():
                self.commands.append({key: value})
                if key == "opGcodeFile" and str(value).startswith("printprt:" + GCODE_DIR):
                    name = str(value)[len("printprt:" + GCODE_DIR):]
                    if os.path.exists(os.path.join(self.dir, name)) and self.state not in (1, 5):
                        self.file, self.done, self.state = name, 0.0, 1
                elif key == "pause":
                    if int(value) == 1 and self.state == 1:
                        self.state = 5
                    elif int(value) == 0 and self.state == 5:
                        self.state = 1
                elif key == "stop" and self.state in (1, 5):
                    self.state = 4


def make_http(printer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def cors(self):
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, MD5")

        def answer(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.cors()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_OPTIONS(self):
            self.send_response(204)
            self.cors()
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            if self.path == "/info":
                self.answer(200, {"model": "F001", "hostname": "K1-SIM", "modelVersion": "simulator"})
            elif self.path == "/sim/commands":
                with printer.lock:
                    self.answer(200, printer.commands)
            else:
                self.answer(404, {"error": "not found"})

        def do_POST(self):
            m = re.fullmatch(r"/upload/([^/]+)", self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if not m:
                return self.answer(404, {"error": "not found"})
            boundary = re.search(r"boundary=([^;]+)", self.headers.get("Content-Type", ""))
            if not boundary:
                return self.answer(400, {"error": "not multipart"})
            delim = b"--" + boundary.group(1).strip('"').encode()
            data = None
            for part in body.split(delim):
                head, _, rest = part.partition(b"\r\n\r\n")
                if b'name="file"' in head:
                    data = rest[:-2] if rest.endswith(b"\r\n") else rest
            if data is None:
                return self.answer(400, {"error": "no file"})
            md5 = self.headers.get("MD5")
            if md5 and md5.lower() != hashlib.md5(data).hexdigest():
                return self.answer(400, {"error": "MD5 mismatch"})
            name = os.path.basename(re.sub(r"%([0-9A-Fa-f]{2})", lambda x: chr(int(x.group(1), 16)), m.group(1)))
            with open(os.path.join(printer.dir, name), "wb") as f:
                f.write(data)
            self.answer(200, {"code": 0, "message": "ok"})

    return Handler


def ws_send(conn, text):
    data = text.encode()
    head = bytes([0x81])
    if len(data) < 126:
        head += bytes([len(data)])
    elif len(data) < 65536:
        head += bytes([126]) + struct.pack(">H", len(data))
    else:
        head += bytes([127]) + struct.pack(">Q", len(data))
    conn.sendall(head + data)


def ws_read(conn):
    """One message from the client: (opcode, text), or None when it closed."""
    def exact(n):
        buf = b""
        while len(buf) < n:
            chunk = conn.recv(n - len(buf))
            if not chunk:
                raise ConnectionError
            buf += chunk
        return buf
    b1, b2 = exact(2)
    n = b2 & 0x7F
    if n == 126:
        n = struct.unpack(">H", exact(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", exact(8))[0]
    mask = exact(4) if b2 & 0x80 else b"\0\0\0\0"
    payload = bytes(c ^ mask[i % 4] for i, c in enumerate(exact(n)))
    return b1 & 0x0F, payload


def serve_socket(conn, printer):
    request = b""
    while b"\r\n\r\n" not in request:
        chunk = conn.recv(4096)
        if not chunk:
            return
        request += chunk
    key = re.search(rb"Sec-WebSocket-Key: *(\S+)", request, re.I)
    if not key:
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        return
    accept = base64.b64encode(hashlib.sha1(key.group(1) + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
    send_lock = threading.Lock()
    sent = {}
    alive = [True]

    def push(full=False):
        now = printer.fields()
        delta = now if full else {k: v for k, v in now.items() if sent.get(k) != v}
        if delta:
            with send_lock:
                ws_send(conn, json.dumps(delta))
            sent.update(delta)

    def pusher():
        try:
            while alive[0]:
                push()
                time.sleep(0.3)
        except OSError:
            alive[0] = False

    push(full=True)
    threading.Thread(target=pusher, daemon=True).start()
    try:
        while alive[0]:
            op, payload = ws_read(conn)
            if op == 8:
                break
            if op == 9:
                with send_lock:
                    conn.sendall(bytes([0x8A, len(payload)]) + payload)
                continue
            try:
                msg = json.loads(payload.decode("utf-8", "replace"))
            except ValueError:
                continue
            if not isinstance(msg, dict):
                continue
            if msg.get("ModeCode") == "heart_beat":
                with send_lock:
                    ws_send(conn, "ok")
            elif msg.get("method") == "get":
                push(full=True)
            elif msg.get("method") == "set" and isinstance(msg.get("params"), dict):
                printer.set(msg["params"])
                push()
    except (ConnectionError, OSError):
        pass
    finally:
        alive[0] = False
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--http-port", type=int, required=True)
    ap.add_argument("--ws-port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--job-seconds", type=float, default=8.0)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    printer = Printer(a.dir, a.job_seconds)
    http = ThreadingHTTPServer(("127.0.0.1", a.http_port), make_http(printer))
    threading.Thread(target=http.serve_forever, daemon=True).start()
    ws = socket.socket()
    ws.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ws.bind(("127.0.0.1", a.ws_port))
    ws.listen()
    print("READY", flush=True)
    while True:
        conn, _ = ws.accept()
        threading.Thread(target=serve_socket, args=(conn, printer), daemon=True).start()


if __name__ == "__main__":
    main()
