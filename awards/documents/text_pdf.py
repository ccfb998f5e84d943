"""A small, well-formed one-page PDF of plain lines (header, objects, xref table, trailer), for
stand-in scans: the demo's signed decisions and the browser tests' uploads. It uses the PDF base
font Helvetica, which has no Vietnamese letters, so the text is printed without diacritics."""
from __future__ import annotations

import unicodedata


def unaccented(text: str) -> str:
    """ASCII for a PDF literal string: diacritics dropped, đ as d, the string delimiters replaced."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    out = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return out.encode("ascii", "replace").decode("ascii").replace("\\", "/").replace("(", "[").replace(")", "]")


def text_pdf(lines: list[str], *, size: int = 13) -> bytes:
    ops = [f"BT /F1 {size} Tf 72 770 Td {size + 3} TL"]
    ops += [f"({unaccented(line)}) Tj T*" for line in lines]
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
