"""Draws the site's icons from its own drawing, static/icons/app.svg: the PNGs of the web
app manifest (192 and 512 pixels a side) and favicon.ico (16 and 32), rendered by the
Chromium of the browser tests (CHROMIUM, else /usr/bin/chromium) through Playwright.

    .venv/bin/python scripts/make-icons.py

Run it after changing app.svg, and commit what it writes beside it. The PNGs are stored
with an indexed palette when the drawing has at most 256 colours (a flat icon has fewer),
which makes them several times smaller: the files reach phones on weak connections.
"""

import base64
import os
import struct
import sys
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
SVG = ICONS / "app.svg"
PNG_SIZES = (192, 512)
ICO_SIZES = (16, 32)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def main() -> None:
    from playwright.sync_api import sync_playwright

    drawing = base64.b64encode(SVG.read_bytes()).decode()
    rendered = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu"],
        )
        page = browser.new_page()
        for size in (*ICO_SIZES, *PNG_SIZES):
            page.set_viewport_size({"width": size, "height": size})
            page.set_content(
                '<body style="margin:0">'
                f'<img src="data:image/svg+xml;base64,{drawing}" width="{size}" height="{size}"'
                ' style="display:block">'
            )
            page.locator("img").evaluate("image => image.decode()")
            screenshot = page.screenshot(omit_background=True)
            rendered[size] = indexed(screenshot)
        browser.close()
    for size in PNG_SIZES:
        path = ICONS / f"app-{size}.png"
        path.write_bytes(rendered[size])
        print(f"{path.relative_to(ICONS.parent.parent)}: {len(rendered[size])} bytes")
    ico = icon_file([(size, rendered[size]) for size in ICO_SIZES])
    (ICONS / "favicon.ico").write_bytes(ico)
    print(f"static/icons/favicon.ico: {len(ico)} bytes")


def chunks(png: bytes):
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    at = len(PNG_SIGNATURE)
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        yield kind, png[at + 8 : at + 8 + length]
        at += 12 + length


def chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """The RGBA pixels of an 8-bit RGB or RGBA PNG (what Chromium writes), row by row."""
    header = next(data for kind, data in chunks(png) if kind == b"IHDR")
    width, height, depth, colour, _compression, _filter, interlace = struct.unpack(
        ">IIBBBBB", header
    )
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError("not an 8-bit, non-interlaced RGB or RGBA PNG")
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(data for kind, data in chunks(png) if kind == b"IDAT"))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[x] = (line[x] + paeth(left, up, corner)) & 0xFF
        previous = line
        if channels == 3:
            line = bytearray(b"".join(line[i : i + 3] + b"\xff" for i in range(0, stride, 3)))
        rows.append(bytes(line))
    return width, height, rows


def paeth(left: int, up: int, corner: int) -> int:
    estimate = left + up - corner
    distances = (abs(estimate - left), abs(estimate - up), abs(estimate - corner))
    return (left, up, corner)[distances.index(min(distances))]


def indexed(png: bytes) -> bytes:
    """The same image as an indexed PNG when it has at most 256 colours, else as it is."""
    width, height, rows = pixels(png)
    # Translucent colours first, so that their alpha table (tRNS) stays short.
    colours = sorted(
        {row[i : i + 4] for row in rows for i in range(0, len(row), 4)},
        key=lambda colour: (colour[3], colour),
    )
    if len(colours) > 256:
        return png
    index = {colour: number for number, colour in enumerate(colours)}
    data = b"".join(
        b"\x00" + bytes(index[row[i : i + 4]] for i in range(0, len(row), 4)) for row in rows
    )
    palette = b"".join(colour[:3] for colour in colours)
    alpha = bytes(colour[3] for colour in colours).rstrip(b"\xff")
    return b"".join(
        [
            PNG_SIGNATURE,
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)),
            chunk(b"PLTE", palette),
            *([chunk(b"tRNS", alpha)] if alpha else []),
            chunk(b"IDAT", zlib.compress(data, 9)),
            chunk(b"IEND", b""),
        ]
    )


def icon_file(images: list[tuple[int, bytes]]) -> bytes:
    """An .ico file holding PNG images (as every browser of this century reads them)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, bodies = b"", b""
    for size, png in images:
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset)
        bodies += png
        offset += len(png)
    return header + entries + bodies


if __name__ == "__main__":
    sys.exit(main())
