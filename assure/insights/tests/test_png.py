"""The PNG writer produces a valid image with the chart drawn on it."""

import struct
import zlib

from assure.insights import png, spc


def decode(data: bytes) -> tuple[int, int, bytes]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    offset, chunks = 8, {}
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = body
        offset += 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    return width, height, zlib.decompress(chunks[b"IDAT"])


def test_an_spc_chart_is_a_valid_png_with_coloured_special_causes():
    points = spc.xmr([10, 11, 9, 10, 12, 10, 30])
    width, height, raw = decode(png.spc_png(points, [f"Month {i}" for i in range(7)]))
    assert (width, height) == (900, 340)
    assert len(raw) == height * (1 + 3 * width)
    rows = [raw[y * (1 + 3 * width) + 1 : (y + 1) * (1 + 3 * width)] for y in range(height)]
    pixels = {bytes(row[i : i + 3]) for row in rows for i in range(0, len(row), 3)}
    assert bytes(png.HIGH) in pixels  # the special-cause triangle
    assert bytes(png.LOW) not in pixels  # nothing low
    assert bytes(png.INK) in pixels and bytes(png.WHITE) in pixels


def test_an_empty_series_still_draws_axes():
    width, height, raw = decode(png.spc_png([], []))
    assert bytes(png.INK) in raw
