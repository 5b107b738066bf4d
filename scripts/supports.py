#!/usr/bin/env python3
"""Support report: what Lamina's support styles print against CuraEngine 4.13's tree support and
PrusaSlicer 2.5's grid and snug support, on the shared overhang models and generated ones.

    scripts/supports.py [MODEL...]

Each model is sliced with support on at the settings of ../shared/tools/peer_slice.sh. For each
G-code: the filament in support and support interface moves (mm), the share of support
extrusion (by length, sampled layers) that lies inside the model's cross-section more than
0.2 mm from its outline (support inside the model; the checker's own geometry, non-zero
winding), the overhang left unsupported (mm², sampled on a 0.5 mm grid: points of a layer
farther than the 45° reach from the layer below, with neither model nor support extrusion
within 1.5 mm in the contact gap below), and the slicing time. Prints a Markdown table.
"""
import importlib.util
import math
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("LAMINA_SHARED", os.path.join(ROOT, "..", "shared"))
LAMINA = os.environ.get("LAMINA_BIN", os.path.join(ROOT, "target", "release", "lamina"))
CURA_DEFS = os.environ.get("CURA_DEFS", "/tmp/cura-defs/usr/share/cura/resources/definitions")

spec = importlib.util.spec_from_file_location("gcode_check", os.path.join(SHARED, "tools", "gcode_check.py"))
gc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gc)

SHARED_MODELS = ["overhang.obj", "U_overhang.obj", "bridge.obj"]
GENERATED = ["overhang", "overhang-test", "arch", "ball-on-stem", "overhang-ring"]  # and Benchy on its side

PRUSA = ["prusa-slicer", "-g", "--layer-height", "0.2", "--first-layer-height", "0.2", "--perimeters", "2",
         "--top-solid-layers", "3", "--bottom-solid-layers", "3", "--fill-density", "20%",
         "--fill-pattern", "rectilinear", "--skirts", "1", "--nozzle-diameter", "0.4",
         "--filament-diameter", "1.75", "--gcode-flavor", "marlin2",
         "--bed-shape", "0x0,220x0,220x220,0x220", "--center", "110,110", "--support-material"]
CURA = ["CuraEngine", "slice", "-j", os.path.join(CURA_DEFS, "fdmprinter.def.json")] + sum(
    (["-s", kv] for kv in [
        "layer_height=0.2", "layer_height_0=0.2", "wall_line_count=2", "top_layers=3", "bottom_layers=3",
        "infill_sparse_density=20", "infill_pattern=lines", "adhesion_type=skirt", "skirt_line_count=1",
        "machine_width=220", "machine_depth=220", "machine_height=250", "machine_center_is_zero=false",
        "material_print_temperature=200", "material_bed_temperature=60", "support_enable=true",
        "support_structure=tree"]), []) + ["-e0", "-s", "machine_nozzle_size=0.4", "-s", "material_diameter=1.75"]
# (The nozzle and filament are extruder settings: given before -e0, CuraEngine 4.13 keeps its
# 2.85 mm filament for extruder 0 and writes E for it.)


def run(cmd, env=None):
    t = time.time()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.time() - t


def inside_deep(segs, px, py, tol):
    """Inside the cross-section (non-zero winding) and more than `tol` from its outline."""
    winding = 0
    best = float("inf")
    for (ax, ay), (bx, by) in segs:
        if (ay <= py) != (by <= py):
            x = ax + (py - ay) * (bx - ax) / (by - ay)
            if x > px:
                winding += 1 if by > ay else -1
        dx, dy = bx - ax, by - ay
        l2 = dx * dx + dy * dy
        t = 0.0 if l2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / l2))
        best = min(best, math.hypot(px - ax - t * dx, py - ay - t * dy))
    return winding != 0 and best > tol


def raster(segs, step):
    """Cells (i, j) of a `step` grid whose centres lie inside the outline (non-zero winding),
    by scanlines."""
    cells = set()
    if not segs:
        return cells
    y0 = min(min(a[1], b[1]) for a, b in segs)
    y1 = max(max(a[1], b[1]) for a, b in segs)
    for j in range(math.floor(y0 / step), math.ceil(y1 / step) + 1):
        y = (j + 0.5) * step
        xs = []
        for (ax, ay), (bx, by) in segs:
            if (ay > y) != (by > y):
                xs.append((ax + (y - ay) * (bx - ax) / (by - ay), 1 if by > ay else -1))
        xs.sort()
        w = 0
        for k, (x, d) in enumerate(xs):
            w += d
            if w != 0 and k + 1 < len(xs):
                for i in range(math.ceil(x / step - 0.5), math.floor(xs[k + 1][0] / step - 0.5) + 1):
                    cells.add((i, j))
    return cells


def unsupported(tris, mz, dx, dy, sup_by_z, h=0.2, gap=0.2, step=0.5, tol=1.5):
    """Overhang area (mm²) with nothing under it within the contact gap: cells of a layer not
    on or beside the layer below (a 45° reach is under a cell), with no support extrusion
    within `tol` in the layers under the gap."""
    top = max(max(t[0][2], t[1][2], t[2][2]) for t in tris) - mz
    r = math.ceil(tol / step)
    total = 0.0
    below = None
    z = h
    while z <= top + 1e-6:
        segs = [((p[0] + dx, p[1] + dy), (q[0] + dx, q[1] + dy)) for p, q in gc.section(tris, z - h / 2 + mz)]
        cells = raster(segs, step)
        if below is not None:
            bare = [c for c in cells if not any((c[0] + a, c[1] + b) in below
                                                for a in (-1, 0, 1) for b in (-1, 0, 1))]
            if bare:
                held = set()
                for lz, ms in sup_by_z.items():
                    if z - h - gap - 3 * h - 1e-6 <= lz <= z - h + 1e-6:
                        for m in ms:
                            n = max(1, int(math.hypot(m[2] - m[0], m[3] - m[1]) / (step / 2)))
                            for k in range(n + 1):
                                held.add((math.floor((m[0] + (m[2] - m[0]) * k / n) / step),
                                          math.floor((m[1] + (m[3] - m[1]) * k / n) / step)))
                total += step * step * sum(
                    1 for c in bare if not any((c[0] + a, c[1] + b) in held
                                               for a in range(-r, r + 1) for b in range(-r, r + 1)))
        below = cells
        z += h
    return total


def measure(gcode, tris):
    g = gc.parse_gcode(gcode, 1.75, 500)
    moves = g["moves"]
    sup = [m for m in moves if "support" in m[6].lower()]
    parts = [m for m in moves if not any(k in m[6].lower() for k in gc.EXCLUDED_TYPES)]
    if not parts:
        return None
    filament = sum(m[5] for m in sup)
    mz = min(min(t[0][2], t[1][2], t[2][2]) for t in tris)
    mx0 = min(min(t[0][0], t[1][0], t[2][0]) for t in tris)
    mx1 = max(max(t[0][0], t[1][0], t[2][0]) for t in tris)
    my0 = min(min(t[0][1], t[1][1], t[2][1]) for t in tris)
    my1 = max(max(t[0][1], t[1][1], t[2][1]) for t in tris)
    dx = (min(m[2] for m in parts) + max(m[2] for m in parts)) / 2 - (mx0 + mx1) / 2
    dy = (min(m[3] for m in parts) + max(m[3] for m in parts)) / 2 - (my0 + my1) / 2
    by_z = defaultdict(list)
    for m in sup:
        by_z[round(m[4], 3)].append(m)
    zs = sorted(by_z)
    pick = zs[1:][:: max(1, len(zs) // 12)][:12]
    tot = bad = 0.0
    for z in pick:
        segs = [((p[0] + dx, p[1] + dy), (q[0] + dx, q[1] + dy)) for p, q in gc.section(tris, z - 0.1 + mz)]
        lm = by_z[z]
        for m in lm[:: max(1, len(lm) // 300)]:
            length = math.hypot(m[2] - m[0], m[3] - m[1])
            tot += length
            if inside_deep(segs, (m[0] + m[2]) / 2, (m[1] + m[3]) / 2, 0.2):
                bad += length
    return filament, (bad / tot if tot else 0.0), unsupported(tris, mz, dx, dy, by_z)


def main():
    models = sys.argv[1:]
    work = tempfile.mkdtemp(prefix="lamina-supports-")
    if not models:
        models = [os.path.join(SHARED, "models", m) for m in SHARED_MODELS]
        for name in GENERATED:
            path = os.path.join(work, name + ".stl")
            if subprocess.run([LAMINA, "generate", name, "-o", path], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0:
                models.append(path)
        # 3DBenchy lying on its side (turned 90° about its length), as PrusaSlicer writes it.
        side = os.path.join(work, "benchy-on-side.stl")
        run(["prusa-slicer", "--rotate-x", "90", "--export-stl", os.path.join(SHARED, "models", "3DBenchy.3mf"),
             "-o", side])
        if os.path.exists(side):
            models.append(side)
    cols = [("L organic", "lamina", "organic"), ("L grid", "lamina", "grid"), ("L snug", "lamina", "snug"),
            ("Cura tree", "cura", None), ("P grid", "prusa", "grid"), ("P snug", "prusa", "snug")]
    print("| model | " + " | ".join(c[0] for c in cols) + " | organic / Cura tree | organic / P grid |")
    print("|---|" + "---|" * (len(cols) + 2))
    for model in models:
        name = os.path.basename(model)
        stl = model
        if not model.lower().endswith(".stl"):
            stl = os.path.join(work, name + ".stl")
            run(["prusa-slicer", "--export-stl", model, "-o", stl])
        tris = gc.load_mesh(model)
        cells = []
        fil = {}
        for label, who, style in cols:
            out = os.path.join(work, f"{name}.{label.replace(' ', '_')}.gcode")
            if who == "lamina":
                secs = run([LAMINA, "slice", model, "-o", out, "--set", "support_material=true",
                            "--set", f"support_material_style={style}"])
            elif who == "cura":
                env = dict(os.environ, CURA_ENGINE_SEARCH_PATH=CURA_DEFS)
                secs = run(CURA + ["-l", stl, "-o", out], env=env)
            else:
                secs = run(PRUSA + ["--support-material-style", style, model, "-o", out])
            r = measure(out, tris) if os.path.exists(out) else None
            if r is None:
                cells.append("failed")
                continue
            fil[label] = r[0]
            cells.append(f"{r[0]:.0f} mm, {100 * r[1]:.2f}% in, {r[2]:.0f} mm² bare, {secs:.2f} s")
        ratio = lambda a, b: f"{fil[a] / fil[b]:.2f}" if fil.get(a) and fil.get(b) else "–"
        print(f"| {name} | " + " | ".join(cells) + f" | {ratio('L organic', 'Cura tree')} | {ratio('L organic', 'P grid')} |")


if __name__ == "__main__":
    sys.exit(main())
