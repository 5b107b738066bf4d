#!/usr/bin/env python3
"""Runs Moonraker's own metadata module, with Lamina's parser added, on a G-code file and
prints what Moonraker would store for it (JSON), as Mainsail and Fluidd would show it.

    python3 scripts/moonraker/check.py MOONRAKER_METADATA_PY FILE.gcode

Run it with the Python that runs Moonraker (its packages: Pillow for thumbnails). The
parser goes in before Moonraker's `main`, as it would upstream."""

import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
metadata_py, gcode = sys.argv[1], sys.argv[2]
module = open(metadata_py, encoding="utf-8").read()
parser = open(os.path.join(here, "lamina_metadata.py"), encoding="utf-8").read()
cut = module.index("\ndef main(")
with tempfile.TemporaryDirectory() as tmp:
    combined = os.path.join(tmp, "metadata.py")
    with open(combined, "w", encoding="utf-8") as f:
        f.write(module[:cut] + "\n\n" + parser + "\n" + module[cut:])
    # A copy of the file beside the module's thumbnails folder, as Moonraker keeps them.
    target = os.path.join(tmp, os.path.basename(gcode))
    with open(gcode, "rb") as src, open(target, "wb") as dst:
        dst.write(src.read())
    out = subprocess.run(
        [sys.executable, combined, "-f", os.path.basename(target), "-p", tmp],
        capture_output=True, text=True, check=False)
    sys.stderr.write(out.stderr)
    sys.stdout.write(out.stdout)
    sys.exit(out.returncode)
