"""The fast QR encoder matches the qrcode library bit for bit, and its PNG is right."""

from __future__ import annotations

import struct
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st
from qrcode import QRCode, constants
from qrcode.util import MODE_8BIT_BYTE, QRData

from awards.documents.qr import qr_matrix, qr_png


def reference_matrix(data: bytes, version: int, mask: int) -> list[list[bool]]:
    q = QRCode(version=version, error_correction=constants.ERROR_CORRECT_M, mask_pattern=mask, border=0)
    q.add_data(QRData(data, mode=MODE_8BIT_BYTE))
    q.make(fit=False)
    return [[bool(m) for m in row] for row in q.modules]


@given(st.text(max_size=300), st.integers(min_value=0, max_value=7))
@settings(max_examples=150, deadline=None)
def test_matrix_matches_qrcode(text, mask):
    data = text.encode("utf-8")
    matrix = qr_matrix(data, mask=mask)
    version = (len(matrix) - 17) // 4
    assert reference_matrix(data, version, mask) == matrix


def test_smallest_version_is_chosen():
    url = "https://thiduakhenthuong.ninhbinh.gov.vn/xac-minh/NB27-8F3K-2Q9X"
    matrix = qr_matrix(url)
    version = (len(matrix) - 17) // 4
    q = QRCode(error_correction=constants.ERROR_CORRECT_M)
    q.add_data(QRData(url.encode(), mode=MODE_8BIT_BYTE))
    q.best_fit()
    assert version == q.version


def decode_png(png: bytes) -> tuple[int, int, list[list[int]]]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos = 8
    chunks = {}
    idat = b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        payload = png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + payload) & 0xFFFFFFFF
        if kind == b"IDAT":
            idat += payload
        chunks[kind] = payload
        pos += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, color) == (1, 0)
    raw = zlib.decompress(idat)
    stride = (width + 7) // 8
    pixels = []
    for y in range(height):
        line = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        assert line[0] == 0  # filter: none
        pixels.append([(line[1 + x // 8] >> (7 - x % 8)) & 1 for x in range(width)])
    return width, height, pixels


def test_png_pixels_match_matrix():
    url = "https://thiduakhenthuong.ninhbinh.gov.vn/xac-minh/ABCD-EFGH-23"
    matrix = qr_matrix(url)
    n = len(matrix)
    for box, border in ((4, 4), (8, 4), (3, 2)):
        width, height, pixels = decode_png(qr_png(url, box=box, border=border))
        assert width == height == (n + 2 * border) * box
        for y in range(height):
            for x in range(width):
                r, c = y // box - border, x // box - border
                dark = 0 <= r < n and 0 <= c < n and matrix[r][c]
                assert pixels[y][x] == (0 if dark else 1)


def test_png_is_small():
    assert len(qr_png("https://thiduakhenthuong.ninhbinh.gov.vn/xac-minh/ABCD-EFGH-23")) < 700
