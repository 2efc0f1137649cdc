#!/usr/bin/env python3
"""Writes the JPEG-LS streams of tests/jpeg_ls_charls: colour coded by CharLS with its components
interleaved by line (ILV=1) and by sample (ILV=2), lossless and near-lossless, each beside the
samples CharLS itself decodes from it, which Caviar must reproduce exactly.

    python3 -m venv /tmp/jlsenv && /tmp/jlsenv/bin/pip install pyjpegls pillow-jpls numpy pydicom
    /tmp/jlsenv/bin/python scripts/make_jpeg_ls_interleaved.py

Two CharLS lines write them: CharLS 2 (through pyjpegls, and through pillow-jpls where the
stream sets its own context thresholds or RESET in a preset segment), as current writers use it,
and the CharLS 1 that dcmtk carries (its dcmcjpls encodes, dcmdjpls decodes; Debian's dcmtk).
NAME.jls is the stream, NAME.ppm what CharLS decoded (PPM, two bytes a sample above 8 bits).
The picture is synthetic: flat bands with letter-like strokes (run mode and its interruptions),
gradients that differ per component (regular mode) and noise, so every path of the decoder runs.
"""
import os
import pathlib
import subprocess
import sys
import tempfile

import jpeg_ls
import numpy as np
from pillow_jpls import _pycharls
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "jpeg_ls_charls"
WIDTH, HEIGHT = 64, 40

# Letters five rows tall, as burned-in annotations look at small sizes.
GLYPHS = {
    "C": ["###", "#..", "#..", "#..", "###"],
    "A": [".#.", "#.#", "###", "#.#", "#.#"],
    "V": ["#.#", "#.#", "#.#", "#.#", ".#."],
    "I": ["###", ".#.", ".#.", ".#.", "###"],
    "R": ["##.", "#.#", "##.", "#.#", "#.#"],
    "1": [".#.", "##.", ".#.", ".#.", "###"],
    "7": ["###", "..#", ".#.", ".#.", ".#."],
}


def picture(bits):
    """HEIGHT x WIDTH x 3 samples of `bits` bits."""
    top = (1 << bits) - 1
    rng = np.random.default_rng(1987)
    image = np.zeros((HEIGHT, WIDTH, 3), dtype=np.int64)
    # A dark band with light letters.
    image[:12] = [top // 9, top // 8, top // 7]
    x = 3
    for letter in "CAVIAR 17":
        if letter != " ":
            for row, line in enumerate(GLYPHS[letter]):
                for col, cell in enumerate(line):
                    if cell == "#":
                        image[3 + row, x + col] = [top, top - top // 16, top // 2]
        x += 4 + (letter == " ")
    # Gradients that differ per component.
    ys, xs = np.mgrid[12:28, 0:WIDTH]
    for c in range(3):
        image[12:28, :, c] = ((xs * (c + 1) * 5 + ys * 3) * top) // (WIDTH * 15 + 28 * 3)
    # Noise on the left, a flat field crossed by a line on the right.
    image[28:, : WIDTH // 2] = rng.integers(0, top + 1, size=(HEIGHT - 28, WIDTH // 2, 3))
    image[28:, WIDTH // 2 :] = [top // 3, top // 3, top // 2]
    for i in range(HEIGHT - 28):
        image[28 + i, WIDTH // 2 + 2 * i] = [0, top, top // 5]
    return image


def dtype(bits):
    return np.uint8 if bits <= 8 else np.uint16


def write_ppm(path, samples, bits):
    top = (1 << bits) - 1
    data = samples.astype(">u2" if bits > 8 else np.uint8).tobytes()
    path.write_bytes(f"P6\n{WIDTH} {HEIGHT}\n{top}\n".encode() + data)


def check(name, source, decoded, near):
    worst = int(np.abs(source.astype(np.int64) - decoded.astype(np.int64)).max())
    if worst > near:
        sys.exit(f"{name}: CharLS decoded samples {worst} away from the source, NEAR {near}")
    return worst


def charls2(bits, interleave, near):
    source = picture(bits).astype(dtype(bits))
    stream = bytes(
        jpeg_ls.encode_buffer(source.tobytes(), HEIGHT, WIDTH, 3, bits, near, interleave)
    )
    decoded = np.frombuffer(jpeg_ls.decode_from_buffer(stream), dtype=dtype(bits))
    return source, stream, decoded.reshape(HEIGHT, WIDTH, 3)


def charls2_presets(**presets):
    """A coder through pillow-jpls, whose CharLS takes preset parameters (8-bit only)."""

    def coder(bits, interleave, near):
        assert bits == 8
        source = picture(bits).astype(np.uint8)
        frame = _pycharls.FrameInfo()
        frame.width, frame.height, frame.component_count, frame.bits_per_sample = (
            WIDTH, HEIGHT, 3, bits
        )
        mode = {1: "line", 2: "sample"}[interleave]
        stream = bytes(
            _pycharls.encode(
                source.tobytes(), frame, None, interleave=mode, near_lossless=near, **presets
            )
        )
        if b"\xff\xf8" not in stream:
            sys.exit(f"pillow-jpls wrote no preset segment for {presets}")
        decoded = np.frombuffer(bytes(_pycharls.decode(stream)), dtype=np.uint8)
        return source, stream, decoded.reshape(HEIGHT, WIDTH, 3)

    return coder


def dcmtk(bits, interleave, near):
    source = picture(bits).astype(dtype(bits))
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = Dataset()
        ds.file_meta = meta
        ds.SOPClassUID = meta.MediaStorageSOPClassUID
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.Modality = "OT"
        ds.SamplesPerPixel = 3
        ds.PhotometricInterpretation = "RGB"
        ds.PlanarConfiguration = 0
        ds.Rows, ds.Columns = HEIGHT, WIDTH
        ds.BitsAllocated = 8 if bits <= 8 else 16
        ds.BitsStored = bits
        ds.HighBit = bits - 1
        ds.PixelRepresentation = 0
        ds.PixelData = source.astype("<u2" if bits > 8 else np.uint8).tobytes()
        ds.save_as(work / "plain.dcm", enforce_file_format=True)
        mode = {1: "+il", 2: "+is"}[interleave]
        quality = ["+en", "+md", str(near)] if near else ["+el"]
        subprocess.run(
            ["dcmcjpls", mode, *quality, work / "plain.dcm", work / "jls.dcm"], check=True
        )
        subprocess.run(["dcmdjpls", work / "jls.dcm", work / "back.dcm"], check=True)
        coded = pydicom.dcmread(work / "jls.dcm")
        frames = list(pydicom.encaps.generate_frames(coded.PixelData, number_of_frames=1))
        stream = frames[0]
        # DICOM pads a stream to even length; what follows its end-of-image marker is not
        # part of it.
        stream = stream[: stream.rindex(b"\xff\xd9") + 2]
        back = pydicom.dcmread(work / "back.dcm")
        decoded = np.frombuffer(back.PixelData, dtype="<u2" if bits > 8 else np.uint8)
    return source, stream, decoded.reshape(HEIGHT, WIDTH, 3)


STREAMS = [
    # (name, coder, bits, interleave, near)
    ("charls2_rgb8_line", charls2, 8, 1, 0),
    ("charls2_rgb8_sample", charls2, 8, 2, 0),
    ("charls2_rgb8_line_near3", charls2, 8, 1, 3),
    ("charls2_rgb8_sample_near2", charls2, 8, 2, 2),
    ("charls2_rgb12_line", charls2, 12, 1, 0),
    ("charls2_rgb12_sample_near4", charls2, 12, 2, 4),
    ("charls2_rgb16_sample", charls2, 16, 2, 0),
    ("charls2_rgb16_line_near7", charls2, 16, 1, 7),
    ("charls2_rgb8_sample_thresholds", charls2_presets(t1=5, t2=9, t3=30), 8, 2, 0),
    ("charls2_rgb8_line_near1_reset32", charls2_presets(reset=32), 8, 1, 1),
    ("dcmtk_rgb8_line", dcmtk, 8, 1, 0),
    ("dcmtk_rgb8_sample", dcmtk, 8, 2, 0),
    ("dcmtk_rgb8_sample_near2", dcmtk, 8, 2, 2),
    ("dcmtk_rgb12_line_near1", dcmtk, 12, 1, 1),
]


def main():
    OUT.mkdir(exist_ok=True)
    for name, coder, bits, interleave, near in STREAMS:
        source, stream, decoded = coder(bits, interleave, near)
        sos = stream.index(b"\xff\xda")
        count = stream[sos + 4]
        header_ilv = stream[sos + 5 + 2 * count + 1]
        if header_ilv != interleave:
            sys.exit(f"{name}: the stream says ILV {header_ilv}, not {interleave}")
        worst = check(name, source, decoded, near)
        (OUT / f"{name}.jls").write_bytes(stream)
        write_ppm(OUT / f"{name}.ppm", decoded, bits)
        print(f"{name}: {len(stream)} bytes, ILV {interleave}, NEAR {near}, worst {worst}")


if __name__ == "__main__":
    main()
