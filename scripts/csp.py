#!/usr/bin/env python3
"""Writes Lamina's Content-Security-Policy into a built dist/: a <meta> at the top of
index.html (with the hash of Trunk's inline loader, the one inline script) and a _headers
file for hosts that read one (Netlify, Cloudflare Pages), which can add what a <meta>
cannot (frame-ancestors).
    scripts/csp.py DIST
"""
import base64
import hashlib
import re
import sys
from pathlib import Path

dist = Path(sys.argv[1])
index = dist / "index.html"
html = index.read_text()
inline = re.findall(r"<script type=\"module\">(.*?)</script>", html, re.S)
hashes = " ".join(
    "'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in inline
)
policy = "; ".join([
    "default-src 'self'",
    # The app's own scripts, its loader, and compiling its WebAssembly module.
    f"script-src 'self' 'wasm-unsafe-eval' {hashes}",
    # The slicer's worker starts from a small blob: script that imports the app's own.
    "worker-src 'self' blob:",
    # Printers on the LAN and model catalogs are wherever the user says: any http(s) or
    # WebSocket address.
    "connect-src 'self' http: https: ws: wss: blob: data:",
    # Catalog thumbnails come from the catalogs' hosts; G-code pictures are data: URLs.
    "img-src 'self' data: blob: http: https:",
    # The UI sets style attributes (positions, colours).
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
])
meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}" />'
html = re.sub(r'\s*<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
html = html.replace('<meta charset="utf-8" />', '<meta charset="utf-8" />\n    ' + meta, 1)
index.write_text(html)
(dist / "_headers").write_text(
    f"/*\n  Content-Security-Policy: {policy}; frame-ancestors 'none'\n"
    "  X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n"
)
