#!/usr/bin/env python3
"""Copy into fixtures/no-text the photographs without any text that the tests of false
text use: a cat's fur, bricks, grass, gravel, coffee, a horse, a rocket at dusk, a man
with a camera, cells and stained tissue under a microscope, two fundus photographs, a deep field
of galaxies.

They are scikit-image's sample pictures, in the scikit-image 0.26.0 wheel from PyPI (pinned and
checked by SHA-256), copied byte for byte; each is in the public domain or under CC0, as
scikit-image's `skimage/data/_fetchers.py` says of it and fixtures/no-text/README.md
repeats. Pictures of the set that hold lettering (the astronaut's model shuttle, ancient coins,
a motorcycle) are left out, and so is the moon, whose origin the wheel does not give.

    scripts/get-no-text-photos.py           (re)write the pictures
    scripts/get-no-text-photos.py --check   fetch and compare, changing nothing

Needs python3, pip and network access to PyPI.
"""

import hashlib
import pathlib
import subprocess
import sys
import tempfile
import zipfile

WHEEL = "scikit_image-0.26.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "74aa5518ccea28121f57a95374581d3b979839adc25bb03f289b1bc9b99c58af"

PICTURES = [
    "brick.png",
    "camera.png",
    "cell.png",
    "chelsea.png",
    "coffee.png",
    "grass.png",
    "gravel.png",
    "horse.png",
    "hubble_deep_field.jpg",
    "ihc.png",
    "microaneurysms.png",
    "retina.jpg",
    "rocket.jpg",
]


def wheel(folder: pathlib.Path) -> pathlib.Path:
    subprocess.run(
        [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--only-binary=:all:", "--python-version", "3.11",
            "--platform", "manylinux_2_28_x86_64", "--dest", str(folder),
            "scikit-image==0.26.0",
        ],
        check=True,
    )
    path = folder / WHEEL
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"{WHEEL}: SHA-256 {digest}, expected {WHEEL_SHA256}")
    return path


def main() -> None:
    check = "--check" in sys.argv[1:]
    out = pathlib.Path(__file__).resolve().parent.parent / "fixtures/no-text"
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(wheel(pathlib.Path(tmp))) as archive:
            differ = []
            for name in PICTURES:
                data = archive.read(f"skimage/data/{name}")
                target = out / name
                if check:
                    if not target.is_file() or target.read_bytes() != data:
                        differ.append(name)
                else:
                    target.write_bytes(data)
    if differ:
        sys.exit(f"differ from the wheel: {', '.join(differ)}")


if __name__ == "__main__":
    main()
