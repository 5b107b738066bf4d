#!/usr/bin/env bash
# Starts a real WebDAV server (WsgiDAV 4, from PyPI) on 127.0.0.1 for the model-upload tests,
# set up the way a NAS or Nextcloud usually is: one folder, writable at /dav/ with a user and
# password (HTTP Basic), and readable by anyone at /pub/ (the public link a library source
# uses). Any page may call it (CORS), as a NAS set up for Lamina would allow.
#   webdav.sh start PORT   -> prints the base URL once it answers
#   webdav.sh stop
# User "maker", password "lamina". Environment: WEBDAV_HOME (default target/wsgidav) holds
# the venv, the shared folder and the pid.
set -euo pipefail
home=${WEBDAV_HOME:-$(cd "$(dirname "$0")/.." && pwd)/target/wsgidav}
venv=$home/venv data=$home/share
case "${1:-start}" in
start)
  port=${2:?webdav.sh start PORT}
  [ -x "$venv/bin/wsgidav" ] || { rm -rf "$venv"; python3 -m venv "$venv" && "$venv/bin/pip" install -q "wsgidav==4.*" "cheroot==11.*"; }
  "$0" stop
  rm -rf "$data"
  mkdir -p "$data"
  cat > "$home/wsgidav.yaml" <<CONF
host: 127.0.0.1
port: $port
verbose: 2
provider_mapping:
  /dav: $data
  /pub:
    root: $data
    readonly: true
simple_dc:
  user_mapping:
    /dav:
      maker:
        password: lamina
    /pub: true
http_authenticator:
  accept_basic: true
  accept_digest: false
  default_to_digest: false
dir_browser:
  enable: false
cors:
  allow_origin: "*"
  allow_methods: [GET, HEAD, PUT, MKCOL, OPTIONS, PROPFIND]
  allow_headers: [Authorization, Content-Type, If-Match, If-None-Match, Depth]
  expose_headers: [ETag]
  max_age: 600
CONF
  setsid "$venv/bin/wsgidav" --config "$home/wsgidav.yaml" >"$home/serve.log" 2>&1 </dev/null &
  echo $! >"$home/pid"
  for _ in $(seq 1 60); do
    if curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/pub/-" | grep -q 404; then
      echo "http://127.0.0.1:$port"; exit 0
    fi
    sleep 0.5
  done
  echo "WsgiDAV did not answer; see $home/serve.log" >&2; exit 1 ;;
stop)
  if [ -f "$home/pid" ]; then kill "$(cat "$home/pid")" 2>/dev/null || true; rm -f "$home/pid"; fi ;;
*) echo "usage: $0 start PORT | stop" >&2; exit 2 ;;
esac
