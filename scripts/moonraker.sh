#!/usr/bin/env bash
# Starts a real Moonraker (0.11, from PyPI) on 127.0.0.1 for the network-printer tests. No
# Klipper runs behind it (Klipper's simulated microcontroller is not packaged anywhere), so it
# reports Klipper "disconnected"; its file API, authorisation and CORS are the real ones.
# Loopback clients are trusted (no API key needed) and any 127.0.0.1 page may call it.
#   moonraker.sh start PORT   -> prints the base URL once /server/info answers
#   moonraker.sh stop
# Environment: MOONRAKER_HOME (default target/moonraker) holds the venv, data and pid.
set -euo pipefail
home=${MOONRAKER_HOME:-$(cd "$(dirname "$0")/.." && pwd)/target/moonraker}
venv=$home/venv data=$home/data
case "${1:-start}" in
start)
  port=${2:?moonraker.sh start PORT}
  [ -x "$venv/bin/moonraker" ] || { rm -rf "$venv"; python3 -m venv "$venv" && "$venv/bin/pip" install -q "moonraker==0.11.*"; }
  "$0" stop
  rm -rf "$data"
  mkdir -p "$data/config" "$data/gcodes" "$data/comms"
  cat > "$data/config/moonraker.conf" <<CONF
[server]
host: 127.0.0.1
port: $port
klippy_uds_address: $data/comms/klippy.sock

[authorization]
cors_domains:
  *://127.0.0.1:*
trusted_clients:
  127.0.0.0/8
CONF
  setsid "$venv/bin/moonraker" -d "$data" -n >"$home/serve.log" 2>&1 </dev/null &
  echo $! >"$home/pid"
  for _ in $(seq 1 60); do
    if curl -sf "http://127.0.0.1:$port/server/info" >/dev/null; then
      echo "http://127.0.0.1:$port"; exit 0
    fi
    sleep 0.5
  done
  echo "Moonraker did not answer; see $home/serve.log" >&2; exit 1 ;;
stop)
  if [ -f "$home/pid" ]; then kill "$(cat "$home/pid")" 2>/dev/null || true; rm -f "$home/pid"; fi ;;
*) echo "usage: $0 start PORT | stop" >&2; exit 2 ;;
esac
