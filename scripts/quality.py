#!/usr/bin/env python3
"""The quality report: Lamina against PrusaSlicer 2.5 on every shared model and every model
Lamina generates for the comparison, both at the settings ../shared/tools/peer_slice.sh
matches to Lamina's defaults (plus Lamina's retraction defaults, as tests/common/mod.rs's
PRUSA_ARGS), both read by ../shared/tools/gcode_check.py. Prints the table for QUALITY.md.

    scripts/quality.py [MODEL...]      (default: every shared and generated model)
    LAMINA_BIN=path/to/lamina scripts/quality.py   (slice with another build, to compare)

PrusaSlicer's G-code is cached in target/peer-cache by model content (the tests share it).
"""
import json, os, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("LAMINA_SHARED", ROOT.parent / "shared"))
CHECK = SHARED / "tools" / "gcode_check.py"
LAMINA = ROOT / "target" / "release" / "lamina"
SLICER = Path(os.environ.get("LAMINA_BIN", LAMINA))
CACHE = ROOT / "target" / "peer-cache"
GENERATED = ["cube", "sphere", "torus", "thin-box", "islands", "holes", "cavity-box",
             "void-sphere", "nested-solid", "crossing-fins", "holed-disc", "parts-plate",
             "wedge", "strokes", "wall-boxes", "pin"]
PRUSA_ARGS = ["-g", "--layer-height", "0.2", "--first-layer-height", "0.2", "--perimeters", "2",
              "--top-solid-layers", "3", "--bottom-solid-layers", "3", "--fill-density", "20%",
              "--fill-pattern", "rectilinear", "--skirts", "1", "--nozzle-diameter", "0.4",
              "--filament-diameter", "1.75", "--gcode-flavor", "marlin2",
              "--bed-shape", "0x0,220x0,220x220,0x220", "--center", "110,110",
              "--temperature", "200", "--bed-temperature", "60",
              "--retract-layer-change", "--only-retract-when-crossing-perimeters",
              "--perimeter-generator", "arachne"]


def fnv(data: bytes) -> str:
    # The same content hash as tests/common's cache (FNV-1a, 64 bits).
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def check(gcode: Path, model: Path) -> dict:
    out = subprocess.run([sys.executable, str(CHECK), str(gcode), "--model", str(model),
                          "--coverage"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def prusa(model: Path) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    digest = fnv(model.read_bytes() + " ".join(PRUSA_ARGS).encode())
    gcode = CACHE / f"{model.stem}-{digest}.gcode"
    if not gcode.exists():
        tmp = gcode.with_suffix(".tmp.gcode")
        subprocess.run(["prusa-slicer", *PRUSA_ARGS, str(model), "-o", str(tmp)],
                       capture_output=True, check=True)
        tmp.rename(gcode)
    return gcode


def prime_mm3(gcode: Path) -> float:
    """The start G-code's prime line: the printer's routine, not the model's plastic."""
    text = gcode.read_text(errors="replace")
    start = text.find("\n;TYPE:Prime line")
    if start < 0:
        return 0.0
    block = text[start:]
    block = block[:block.find(";LAYER_CHANGE")]
    mm = 0.0
    for line in block.splitlines():
        if line.startswith("G1"):
            for w in line.split():
                if w.startswith("E") and float(w[1:]) > 0:
                    mm += float(w[1:])
    return mm * 3.141592653589793 * 1.75 ** 2 / 4


def print_moves(gcode: Path):
    """The print's own travel (mm) and retractions: from the first extrusion of the first
    layer to the last one. The moves into the first layer and out after the last belong to the
    printer's start and end G-code, which differ between slicers' profiles (tests/common's
    print_moves is the same rule)."""
    text = gcode.read_text(errors="replace")
    x = y = float("nan")
    e = 0.0
    abs_xy = abs_e = True
    travel, retractions, pending_travel, pending_retractions = 0.0, 0, 0.0, 0
    started = in_layers = False
    for line in text.splitlines():
        if line.startswith(";LAYER_CHANGE"):
            in_layers = True
        code = line.split(";", 1)[0].split()
        if not code:
            continue
        cmd, args = code[0], {w[0]: w[1:] for w in code[1:] if w}
        num = lambda c: float(args[c]) if c in args and args[c] else None
        if cmd == "G90":
            abs_xy = abs_e = True
        elif cmd == "G91":
            abs_xy = abs_e = False
        elif cmd == "M82":
            abs_e = True
        elif cmd == "M83":
            abs_e = False
        elif cmd == "G92" and num("E") is not None:
            e = num("E")
        elif cmd in ("G0", "G1"):
            step = lambda old, v, a: old if v is None else (v if a else old + v)
            nx, ny = step(x, num("X"), abs_xy), step(y, num("Y"), abs_xy)
            ne = step(e, num("E"), abs_e)
            d = ((nx - x) ** 2 + (ny - y) ** 2) ** 0.5 if x == x and nx == nx else 0.0
            extrudes = ne > e + 1e-9 and d > 0
            if extrudes and in_layers:
                if started:
                    travel += pending_travel
                    retractions += pending_retractions
                started = True
                pending_travel, pending_retractions = 0.0, 0
            elif ne < e - 1e-9:
                pending_retractions += 1
            elif not extrudes:
                pending_travel += d
            x, y, e = nx, ny, ne
    return travel, retractions


def volume(report: dict, gcode: Path) -> float:
    return (report["extruded_mm3"] - prime_mm3(gcode)) / report["model_volume_mm3"]


def ratio(a, b):
    return f"{a / b:.2f}" if b else "–"


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    work = Path(tempfile.mkdtemp())
    models = [Path(m) for m in sys.argv[1:]]
    if not models:
        models = sorted(p for p in (SHARED / "models").iterdir()
                        if p.suffix.lower() in (".stl", ".obj", ".3mf"))
        for name in GENERATED:
            out = work / f"{name}.stl"
            subprocess.run([str(LAMINA), "generate", name, "-o", str(out)],
                           capture_output=True, check=True)
            models.append(out)
    print("| model | volume L / P | outside % L / P | uncovered % L / P | travel m L / P (×) "
          "| retractions L / P (×) | layers L / P | time min L / P (×) | flags |")
    print("|---|---|---|---|---|---|---|---|---|")
    for m in models:
        ours = work / f"{m.stem}.lamina.gcode"
        subprocess.run([str(SLICER), "slice", str(m), "-o", str(ours)], capture_output=True,
                       check=True)
        theirs = prusa(m)
        a, b = check(ours, m), check(theirs, m)
        a["travel_mm"], a["retractions"] = print_moves(ours)
        b["travel_mm"], b["retractions"] = print_moves(theirs)
        flags = ", ".join(a["flags"]) or "–"
        print(f"| {m.name} | {volume(a, ours):.3f} / {volume(b, theirs):.3f} "
              f"| {100 * a['outside_share']:.2f} / {100 * b['outside_share']:.2f} "
              f"| {100 * a['uncovered_share']:.2f} / {100 * b['uncovered_share']:.2f} "
              f"| {a['travel_mm'] / 1000:.1f} / {b['travel_mm'] / 1000:.1f} "
              f"({ratio(a['travel_mm'], b['travel_mm'])}) "
              f"| {a['retractions']} / {b['retractions']} ({ratio(a['retractions'], b['retractions'])}) "
              f"| {a['layers']} / {b['layers']} "
              f"| {a['est_time_s'] / 60:.1f} / {b['est_time_s'] / 60:.1f} "
              f"({ratio(a['est_time_s'], b['est_time_s'])}) | {flags} |", flush=True)


if __name__ == "__main__":
    main()
