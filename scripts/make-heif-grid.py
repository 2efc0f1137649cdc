"""An AVIF or HEIC picture stored as phones store big pictures: a grid of tiles, turned (irot) and
mirrored (imir) by its container. heif-enc 1.15 writes neither grids nor turns, so each tile is
encoded by heif-enc and the container around them is written here.

    make-heif-grid.py in.png out.avif --tile 128 --turn 1 --mirror 0

Needs Pillow and heif-enc (Debian: libheif-examples). Used by scripts/make-heif-fixtures.sh.
"""
import argparse
import os
import struct
import subprocess
import tempfile

from PIL import Image


def boxes(data, start, end):
    """(kind, content start, box end) of the boxes in data[start:end]."""
    while start < end:
        size, kind = struct.unpack(">I4s", data[start:start + 8])
        yield kind, start + 8, start + size
        start += size


def child(data, start, end, wanted, skip=0):
    for kind, content, stop in boxes(data, start, end):
        if kind == wanted:
            return content + skip, stop
    raise ValueError(f"no {wanted} box")


def primary_item(path):
    """The coded data and the decoder-configuration and colour properties of a one-item file
    such as heif-enc writes (item 1, one extent in the file)."""
    data = open(path, "rb").read()
    meta = child(data, 0, len(data), b"meta", skip=4)
    ipco = child(data, *child(data, *meta, b"iprp"), b"ipco")
    properties = {kind: data[content - 8:stop] for kind, content, stop in boxes(data, *ipco)}
    iloc_start, _ = child(data, *meta, b"iloc")
    version, sizes, base_size = data[iloc_start], data[iloc_start + 4], data[iloc_start + 5] >> 4
    assert version == 0 and sizes == 0x44 and base_size in (0, 4), "heif-enc's iloc layout changed"
    at = iloc_start + 8
    item, _ = struct.unpack(">HH", data[at:at + 4])
    base = struct.unpack(">I", data[at + 4:at + 8])[0] if base_size else 0
    count, offset, length = struct.unpack(">HII", data[at + 4 + base_size:at + 14 + base_size])
    assert item == 1 and count == 1, "not a one-item file"
    offset += base
    coding = b"av1C" if b"av1C" in properties else b"hvcC"
    return data[offset:offset + length], properties[coding], properties.get(b"colr")


def box(kind, content):
    return struct.pack(">I4s", 8 + len(content), kind) + content


def full_box(kind, version, flags, content):
    return box(kind, bytes([version]) + flags.to_bytes(3, "big") + content)


def write_grid(path, tiles, tile_size, size, rows, columns, coding, colr, turn, mirror):
    avif = coding[4:8] == b"av1C"
    item_kind, brand = (b"av01", b"avif") if avif else (b"hvc1", b"heic")
    properties = [coding, full_box(b"ispe", 0, 0, struct.pack(">II", tile_size, tile_size)),
                  full_box(b"ispe", 0, 0, struct.pack(">II", *size))]
    grid_properties = [3]
    if colr:
        properties.append(colr)
        grid_properties.append(len(properties))
    if turn is not None:
        properties.append(box(b"irot", bytes([turn & 3])))
        grid_properties.append(0x80 | len(properties))
    if mirror is not None:
        properties.append(box(b"imir", bytes([mirror & 1])))
        grid_properties.append(0x80 | len(properties))
    tile_ids = list(range(2, 2 + len(tiles)))
    entries = [(1, grid_properties)] + [(t, [0x81, 2] + ([grid_properties[1]] if colr else []))
                                        for t in tile_ids]
    ipma = full_box(b"ipma", 0, 0, struct.pack(">I", len(entries)) + b"".join(
        struct.pack(">HB", item, len(p)) + bytes(p) for item, p in entries))
    iprp = box(b"iprp", box(b"ipco", b"".join(properties)) + ipma)
    infe = [full_box(b"infe", 2, 0, struct.pack(">HH", 1, 0) + b"grid\0")]
    infe += [full_box(b"infe", 2, 1, struct.pack(">HH", t, 0) + item_kind + b"\0") for t in tile_ids]
    iinf = full_box(b"iinf", 0, 0, struct.pack(">H", len(infe)) + b"".join(infe))
    hdlr = full_box(b"hdlr", 0, 0, b"\0" * 4 + b"pict" + b"\0" * 13)
    pitm = full_box(b"pitm", 0, 0, struct.pack(">H", 1))
    iref = full_box(b"iref", 0, 0, box(b"dimg", struct.pack(">HH", 1, len(tile_ids)) + struct.pack(
        f">{len(tile_ids)}H", *tile_ids)))
    description = bytes([0, 0, rows - 1, columns - 1]) + struct.pack(">HH", *size)
    idat = box(b"idat", description)
    ftyp = box(b"ftyp", brand + b"\0\0\0\0mif1" + brand + b"miaf")

    def meta(offsets):
        entries = [struct.pack(">HHHHII", 1, 1, 0, 1, 0, len(description))]
        entries += [struct.pack(">HHHHII", t, 0, 0, 1, o, len(c))
                    for t, o, c in zip(tile_ids, offsets, tiles)]
        iloc = full_box(b"iloc", 1, 0, b"\x44\x00" + struct.pack(">H", len(entries)) + b"".join(entries))
        return full_box(b"meta", 0, 0, hdlr + pitm + iinf + iref + iprp + idat + iloc)

    at = len(ftyp) + len(meta([0] * len(tiles))) + 8
    offsets = []
    for tile in tiles:
        offsets.append(at)
        at += len(tile)
    with open(path, "wb") as out:
        out.write(ftyp + meta(offsets) + box(b"mdat", b"".join(tiles)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--tile", type=int, default=512)
    parser.add_argument("--turn", type=int)
    parser.add_argument("--mirror", type=int)
    parser.add_argument("--quality", default="90")
    args = parser.parse_args()
    picture = Image.open(args.input).convert("RGB")
    width, height = picture.size
    t = args.tile
    rows, columns = -(-height // t), -(-width // t)
    avif = args.output.endswith(".avif")
    tiles, coding, colr = [], None, None
    with tempfile.TemporaryDirectory() as work:
        for row in range(rows):
            for column in range(columns):
                tile = Image.new("RGB", (t, t), (0, 0, 0))
                tile.paste(picture.crop((column * t, row * t, min(width, (column + 1) * t),
                                         min(height, (row + 1) * t))))
                png = os.path.join(work, f"{row}_{column}.png")
                coded = png[:-4] + (".avif" if avif else ".heic")
                tile.save(png)
                subprocess.run(["heif-enc"] + (["-A"] if avif else []) +
                               ["-q", args.quality, "-o", coded, png], check=True, capture_output=True)
                data, tile_coding, tile_colr = primary_item(coded)
                coding, colr = coding or tile_coding, colr or tile_colr
                tiles.append(data)
    write_grid(args.output, tiles, t, (width, height), rows, columns, coding, colr, args.turn,
               args.mirror)


if __name__ == "__main__":
    main()
