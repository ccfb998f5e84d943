"""Fast QR codes for certificates: byte-mode encoding, PNG output, no Pillow.

``qrcode.make`` spends ~13 ms per code on this machine (it tries all eight masks in
pure Python), ~2.5 ms with a fixed version and mask: too slow for a thousand
certificates. This module uses the qrcode library's own tables and pattern setup
(RS block table, BCH format/version bits, finder/alignment/timing patterns), cached
per version, and does the per-code work itself: Reed-Solomon with log tables and the
data placement through a precomputed module order. The result is bit-for-bit the
matrix ``qrcode.QRCode(version=v, mask_pattern=m)`` builds for the same byte-mode
data (tests/documents/test_qr.py checks this), in ~0.2 ms.

A fixed mask pattern is used instead of the penalty search: every mask is valid and
decoders read it from the format bits; the penalty only avoids unlucky patterns.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache
from itertools import chain
from operator import itemgetter

from qrcode import constants
from qrcode.base import rs_blocks
from qrcode.main import QRCode
from qrcode.util import mask_func

__all__ = ["qr_modules", "qr_matrix", "qr_png", "QR_ERROR_CORRECTION"]

QR_ERROR_CORRECTION = constants.ERROR_CORRECT_M
_DEFAULT_MASK = 2

# GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _x
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


@lru_cache(maxsize=None)
def _generator_table(ec_count: int) -> tuple[int, ...]:
    """For each byte value f, f times the generator polynomial (leading 1 dropped),
    as one big integer of ec_count bytes: the Reed-Solomon LFSR then needs one
    shift and one XOR per data byte."""
    poly = [1]
    for i in range(ec_count):
        nxt = [0] * (len(poly) + 1)
        for j, coef in enumerate(poly):
            nxt[j] ^= coef
            if coef:
                nxt[j + 1] ^= _EXP[_LOG[coef] + i]
        poly = nxt
    logs = [_LOG[c] for c in poly[1:]]
    table = [0]
    for f in range(1, 256):
        lf = _LOG[f]
        table.append(int.from_bytes(bytes(_EXP[lf + g] for g in logs), "big"))
    return tuple(table)


def _rs_remainder(data: list[int], ec_count: int) -> list[int]:
    table = _generator_table(ec_count)
    shift = 8 * (ec_count - 1)
    keep = (1 << shift) - 1
    reg = 0
    for byte in data:
        reg = ((reg & keep) << 8) ^ table[byte ^ (reg >> shift)]
    return list(reg.to_bytes(ec_count, "big"))


class _Layout:
    """Everything about a (version, error correction, mask) that does not depend on data."""

    def __init__(self, version: int, ec: int, mask: int):
        self.version = version
        self.size = size = version * 4 + 17
        q = QRCode(version=version, error_correction=ec, mask_pattern=mask, border=0)
        q.modules_count = size
        q.modules = [[None] * size for _ in range(size)]
        q.setup_position_probe_pattern(0, 0)
        q.setup_position_probe_pattern(size - 7, 0)
        q.setup_position_probe_pattern(0, size - 7)
        q.setup_position_adjust_pattern()
        q.setup_timing_pattern()
        q.setup_type_info(False, mask)
        if version >= 7:
            q.setup_type_number(False)
        modules = q.modules
        # Data module order, exactly as qrcode.main.QRCode.map_data walks it.
        is_masked = mask_func(mask)
        index: dict[tuple[int, int], int] = {}
        mask_bits: list[str] = []
        row, inc = size - 1, -1
        for col in range(size - 1, 0, -2):
            if col <= 6:
                col -= 1
            while True:
                for c in (col, col - 1):
                    if modules[row][c] is None:
                        index[(row, c)] = len(mask_bits)
                        mask_bits.append("1" if is_masked(row, c) else "0")
                row += inc
                if row < 0 or row >= size:
                    row -= inc
                    inc = -inc
                    break
        self.modules_count = n = len(mask_bits)
        self.mask = int("".join(mask_bits), 2)
        # One gather over "<n data bits>01": function modules pick the constant 0 or 1.
        self.gather = itemgetter(
            *(
                index[(r, c)] if (r, c) in index else n + (1 if modules[r][c] else 0)
                for r in range(size)
                for c in range(size)
            )
        )
        self.blocks = [(b.data_count, b.total_count - b.data_count) for b in rs_blocks(version, ec)]
        self.data_bits = sum(d for d, _ in self.blocks) * 8
        self.count_bits = 8 if version < 10 else 16


@lru_cache(maxsize=None)
def _layout(version: int, ec: int, mask: int) -> _Layout:
    return _Layout(version, ec, mask)


def _codewords(data: bytes, layout: _Layout) -> bytes:
    bits = 4 + layout.count_bits + 8 * len(data)
    value = (0b0100 << layout.count_bits) | len(data)
    if data:
        value = (value << (8 * len(data))) | int.from_bytes(data, "big")
    terminator = min(layout.data_bits - bits, 4)
    value <<= terminator
    bits += terminator
    if bits % 8:
        value <<= 8 - bits % 8
        bits += 8 - bits % 8
    stream = list(value.to_bytes(bits // 8, "big"))
    pad = (0xEC, 0x11)
    stream += [pad[i % 2] for i in range(layout.data_bits // 8 - len(stream))]
    data_blocks: list[list[int]] = []
    ec_blocks: list[list[int]] = []
    offset = 0
    for data_count, ec_count in layout.blocks:
        block = stream[offset : offset + data_count]
        offset += data_count
        data_blocks.append(block)
        ec_blocks.append(_rs_remainder(block, ec_count))
    out = bytearray()
    for blocks in (data_blocks, ec_blocks):
        # Interleave column by column; in QR the groups differ by at most one
        # codeword, so the longer blocks' last codewords come after the zip.
        shortest = min(len(b) for b in blocks)
        out.extend(chain.from_iterable(zip(*blocks)))
        for b in blocks:
            out.extend(b[shortest:])
    return bytes(out)


def _choose_version(length: int, ec: int) -> int:
    for version in range(1, 41):
        layout = _layout(version, ec, _DEFAULT_MASK)
        if 4 + layout.count_bits + 8 * length <= layout.data_bits:
            return version
    raise ValueError("data too long for a QR code")


def qr_modules(
    text: str | bytes,
    *,
    version: int | None = None,
    mask: int = _DEFAULT_MASK,
    ec: int = QR_ERROR_CORRECTION,
) -> tuple[int, str]:
    """(size, modules): the matrix row by row as a string of '1' (dark) and '0'."""
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    if version is None:
        version = _choose_version(len(data), ec)
    layout = _layout(version, ec, mask)
    if 4 + layout.count_bits + 8 * len(data) > layout.data_bits:
        raise ValueError("data too long for this QR version")
    codewords = _codewords(data, layout)
    n = layout.modules_count
    stream = int.from_bytes(codewords, "big") << (n - 8 * len(codewords))
    bits = format(stream ^ layout.mask, f"0{n}b") + "01"
    return layout.size, "".join(layout.gather(bits))


def qr_matrix(text: str | bytes, **kwargs) -> list[list[bool]]:
    """The module matrix (no quiet zone) as rows of booleans, True = dark."""
    size, modules = qr_modules(text, **kwargs)
    return [[m == "1" for m in modules[r * size : (r + 1) * size]] for r in range(size)]


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def qr_png(text: str | bytes, *, box: int = 4, border: int = 4, **kwargs) -> bytes:
    """A 1-bit grayscale PNG of the code, ``box`` pixels per module, quiet zone ``border``.

    Box sizes 4 and 8 take a fast path (one hex digit / one byte per module).
    """
    size, modules = qr_modules(text, **kwargs)
    width_modules = size + 2 * border
    width = width_modules * box
    row_bytes = (width + 7) // 8
    quiet = "0" * border
    rows = [quiet + modules[r * size : (r + 1) * size] + quiet for r in range(size)]
    blank_row = "0" * width_modules
    if box == 4:
        # Each module is one hex digit: dark '1' -> '0' (black), light -> 'f'.
        pad = "f" if width_modules % 2 else ""
        lines_hex = [row.translate(_HEX4) + pad for row in rows]
        packed = [bytes.fromhex(h) for h in lines_hex]
        blank = bytes.fromhex(blank_row.translate(_HEX4) + pad)
    elif box == 8:
        packed = [row.encode("ascii").translate(_BYTE8) for row in rows]
        blank = blank_row.encode("ascii").translate(_BYTE8)
    else:
        pad = "1" * (row_bytes * 8 - width)
        table = {ord("1"): "0" * box, ord("0"): "1" * box}
        packed = [int(row.translate(table) + pad, 2).to_bytes(row_bytes, "big") for row in rows]
        blank = int(blank_row.translate(table) + pad, 2).to_bytes(row_bytes, "big")
    blank_line = b"\x00" + blank
    lines = [blank_line] * (border * box)
    for row in packed:
        lines.extend([b"\x00" + row] * box)
    lines.extend([blank_line] * (border * box))
    header = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"".join(lines), 1))
        + _png_chunk(b"IEND", b"")
    )


_HEX4 = str.maketrans("10", "0f")
_BYTE8 = bytes.maketrans(b"10", b"\x00\xff")
