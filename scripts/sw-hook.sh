#!/bin/sh
# Trunk post_build hook: writes the page's Content-Security-Policy (scripts/csp.py), then the
# service worker (web/sw.js) into the build with the list of
# built files to cache and a version that changes whenever any of them changes, then a gzipped
# copy of the module and the scripts beside them for hosts that serve precompressed files
# (nginx's gzip_static, Caddy's precompressed); the worker never lists those.
set -eu
cd "$TRUNK_STAGING_DIR"
# The page's Content-Security-Policy first: it changes index.html.
python3 "$TRUNK_SOURCE_DIR/scripts/csp.py" .
files=$(find . -type f ! -name sw.js ! -name '*.gz' ! -name _headers | sed 's|^\./||' | LC_ALL=C sort)
# shellcheck disable=SC2086 # the names are Trunk's own, without spaces
version=$(cat $files | cksum | cut -d ' ' -f 1)
{
  printf 'const VERSION = "%s";\nconst FILES = [\n' "$version"
  for f in $files; do printf '  "./%s",\n' "$f"; done
  printf '];\n'
  cat "$TRUNK_SOURCE_DIR/web/sw.js"
} > sw.js
for f in *.wasm *.js; do
  [ "$f" = sw.js ] || gzip -9 -n -k -f "$f"
done
