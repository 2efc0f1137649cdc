#!/usr/bin/env python3
"""Faces found and missed, side by side with deface (CenterFace, the tool people pick to hide
faces in photos), on a labelled set made here, and the time each takes on a 12-megapixel photo.

The labelled set is generated, its origin written here:
- three faces with their boxes: the astronaut Eileen Collins (`astronaut.png`, NASA, public
  domain, from the scikit-image 0.26.0 wheel, pinned like scripts/get-no-text-photos.py), the
  cameraman of `fixtures/no-text/camera.png` (CC0, in profile behind his camera) and Grace
  Hopper (`hopper_orientation_1..8.jpg` of ../shared/corpus/photos/pillow, turned upright);
  boxes checked by eye;
- each face scaled to 24, 32, 48, 96 and 192 pixels high, pasted on a 640×480 crop of a
  face-free texture of fixtures/no-text (bricks, grass, gravel), bare or with a pale blue
  surgical mask drawn from below the eyes to the chin, and the whole turned by 0, 90, 180 and 270
  degrees: 120 pictures with one face each;
- face-free pictures: fixtures/no-text but the camera (fur, a cat, cells, a fundus, galaxies,
  coffee, a horse, a rocket), and the pillow corpus's photos that are not Grace Hopper.

A face counts as found when a box's centre lies in its labelled box and the box is no more than
twice its size. Prints recall by face height, boxes in face-free pictures, and the median time
per 12-megapixel photo of each tool, with the ratio.

    scripts/bench-faces.py

Needs python3 and pip (PyPI): Pillow, NumPy and deface are installed into the virtualenv at
$CAVIAR_FACES_VENV (default ~/.cache/caviar/faces-venv) when missing. Builds the
`bench_faces` example in release mode.
"""

import hashlib
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = pathlib.Path(os.environ.get("CAVIAR_FACES_VENV", pathlib.Path.home() / ".cache/caviar/faces-venv"))
WHEEL = "scikit_image-0.26.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "74aa5518ccea28121f57a95374581d3b979839adc25bb03f289b1bc9b99c58af"
HEIGHTS = [24, 32, 48, 96, 192]
TURNS = [0, 90, 180, 270]


def in_venv():
    """Run again inside the virtualenv that has Pillow, NumPy and deface."""
    python = VENV / "bin" / "python"
    if pathlib.Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import PIL, numpy, deface"], capture_output=True)
    if probe.returncode != 0:
        print(f"installing Pillow, NumPy and deface into {VENV} (PyPI)", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "pillow", "numpy", "deface",
                        "opencv-python-headless"], check=True)
    os.execv(str(python), [str(python), *sys.argv])


def astronaut(work):
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                    "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64",
                    "scikit-image==0.26.0", "-d", str(work)], check=True)
    wheel = work / WHEEL
    if hashlib.sha256(wheel.read_bytes()).hexdigest() != WHEEL_SHA256:
        sys.exit(f"{wheel}: not the pinned scikit-image wheel")
    target = work / "astronaut.png"
    with zipfile.ZipFile(wheel) as archive:
        target.write_bytes(archive.read("skimage/data/astronaut.png"))
    return target


def labelled_set(work):
    from PIL import Image, ImageDraw, ImageOps

    faces = [(Image.open(astronaut(work)).convert("RGB"), (175, 58, 100, 122)),
             (Image.open(ROOT / "fixtures/no-text/camera.png").convert("RGB"), (185, 110, 70, 86))]
    pillow = ROOT.parent / "shared/corpus/photos/pillow"
    if pillow.is_dir():
        hopper = ImageOps.exif_transpose(Image.open(pillow / "hopper_orientation_2.jpg"))
        faces.append((hopper.convert("RGB"), (38, 22, 46, 57)))
    else:
        print(f"no corpus at {pillow}: Grace Hopper is left out", file=sys.stderr)
    textures = [Image.open(ROOT / "fixtures/no-text" / name).convert("RGB")
                for name in ("brick.png", "grass.png", "gravel.png")]
    pictures = []
    n = 0
    for face_index, (face, (fx, fy, fw, fh)) in enumerate(faces):
        for height in HEIGHTS:
            scale = height / fh
            scaled = face.resize((max(1, round(face.width * scale)), max(1, round(face.height * scale))),
                                 Image.LANCZOS)
            canvas = textures[n % len(textures)].resize((640, 480))
            # The whole face picture when it fits, else the part around the face.
            left = max(0, min(round(fx * scale) - 200, scaled.width - 600))
            top = max(0, min(round(fy * scale) - 150, scaled.height - 440))
            piece = scaled.crop((left, top, min(scaled.width, left + 600), min(scaled.height, top + 440)))
            canvas.paste(piece, (20, 20))
            box = (20 + round(fx * scale) - left, 20 + round(fy * scale) - top,
                   round(fw * scale), round(fh * scale))
            masked = canvas.copy()
            x, y, bw, bh = box
            ImageDraw.Draw(masked).polygon(
                [(x + 0.05 * bw, y + 0.55 * bh), (x + 0.95 * bw, y + 0.55 * bh),
                 (x + 0.85 * bw, y + 0.95 * bh), (x + 0.15 * bw, y + 0.95 * bh)],
                fill=(170, 200, 225))
            for turn, (mask, picture) in ((t, m) for t in TURNS for m in (("bare", canvas), ("masked", masked))):
                canvas_turned = picture
                turned = canvas_turned.rotate(-turn, expand=True)
                w, h = canvas.size
                x, y, bw, bh = box
                label = {0: (x, y, bw, bh), 90: (h - y - bh, x, bh, bw),
                         180: (w - x - bw, h - y - bh, bw, bh), 270: (y, w - x - bw, bh, bw)}[turn]
                path = work / f"face{face_index}_{height}px_{turn}_{mask}.png"
                turned.save(path)
                pictures.append((path, [label], height, turn, mask))
            n += 1
    free = [p for p in sorted((ROOT / "fixtures/no-text").iterdir())
            if p.suffix in (".png", ".jpg") and p.name != "camera.png"]
    if pillow.is_dir():
        free += [p for p in sorted(pillow.iterdir()) if "hopper" not in p.name]
    return pictures, free


def found(boxes, label):
    x, y, w, h = label
    for bx, by, bw, bh in boxes:
        cx, cy = bx + bw / 2, by + bh / 2
        if x <= cx <= x + w and y <= cy <= y + h and bw * bh <= 4 * w * h:
            return True
    return False


def caviar(paths):
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "bench_faces"],
                   cwd=ROOT, check=True)
    run = subprocess.run([str(ROOT / "target/release/examples/bench_faces"), *map(str, paths)],
                         capture_output=True, text=True, check=True)
    results = {}
    for line in run.stdout.splitlines():
        path, took, boxes = line.split("\t")
        boxes = [tuple(float(v) for v in b.split(",")[:4]) for b in boxes.split(";") if b]
        results.setdefault(path, ([], boxes))[0].append(float(took))
    return results


def deface(paths):
    import numpy as np
    from PIL import Image
    from deface.centerface import CenterFace

    detector = CenterFace(in_shape=None, backend="onnxrt")
    results = {}
    for path in paths:
        frame = np.asarray(Image.open(path).convert("RGB"))
        detector(frame, threshold=0.2)
        start = time.perf_counter()
        dets, _ = detector(frame, threshold=0.2)
        took = (time.perf_counter() - start) * 1000
        boxes = [(d[0], d[1], d[2] - d[0], d[3] - d[1]) for d in dets]
        results.setdefault(str(path), ([], boxes))[0].append(took)
    return results


def main():
    in_venv()
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        work = pathlib.Path(folder)
        pictures, free = labelled_set(work)
        big = work / "photo_12mp.jpg"
        canvas = Image.open(ROOT / "fixtures/no-text/grass.png").convert("RGB").resize((4000, 3000))
        canvas.paste(Image.open(work / "astronaut.png").convert("RGB").resize((1024, 1024)), (1500, 800))
        canvas.save(big, quality=92)
        paths = [p for p, *_ in pictures] + free + [big] * 5
        tools = {"caviar": caviar(paths)}
        try:
            tools["deface"] = deface(paths)
        except ImportError as error:
            print(f"deface not run: {error}", file=sys.stderr)
        print(f"{len(pictures)} pictures with a face, {len(free)} without")
        for name, results in tools.items():
            by_height, by_turn, by_mask = {}, {}, {}
            for path, labels, height, turn, mask in pictures:
                _, boxes = results[str(path)]
                for hits in (by_height.setdefault(height, [0, 0]), by_turn.setdefault(turn, [0, 0]),
                             by_mask.setdefault(mask, [0, 0])):
                    hits[0] += sum(found(boxes, label) for label in labels)
                    hits[1] += len(labels)
            total = [sum(v[0] for v in by_height.values()), sum(v[1] for v in by_height.values())]
            false = sum(len(results.get(str(p), ([], []))[1]) for p in free)
            where = [p.name for p in free if results.get(str(p), ([], []))[1]]
            times = results[str(big)][0]
            print(f"{name}: recall {total[0]}/{total[1]} = {total[0] / total[1]:.2f} "
                  f"({', '.join(f'{h} px {v[0]}/{v[1]}' for h, v in sorted(by_height.items()))}; "
                  f"{', '.join(f'turned {t}° {v[0]}/{v[1]}' for t, v in sorted(by_turn.items()))}; "
                  f"{', '.join(f'{m} {v[0]}/{v[1]}' for m, v in sorted(by_mask.items()))}); "
                  f"boxes in face-free pictures: {false} {where}; "
                  f"12 MP photo: {statistics.median(times):.0f} ms")
        if "deface" in tools:
            ratio = (statistics.median(tools["caviar"][str(big)][0])
                     / statistics.median(tools["deface"][str(big)][0]))
            print(f"time on the 12 MP photo, caviar / deface: {ratio:.2f}")


if __name__ == "__main__":
    main()
