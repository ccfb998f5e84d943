"""Small helpers of the browser tests: log a person in, make a valid PDF, read a DOCX's text."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.factories import DEMO_PASSWORD


def login(page: Page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form and land on the dashboard."""
    page.goto("/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def nav(page: Page, label: str) -> None:
    """Follow a link of the main menu."""
    page.locator("#mainnav").get_by_role("link", name=label, exact=True).click()
    page.wait_for_load_state("domcontentloaded")


def expect_flash(page: Page, text: str) -> None:
    """A success message of the last action is shown."""
    expect(page.locator(".alert-success").filter(has_text=text).first).to_be_visible()


def make_pdf(path: Path, text: str) -> Path:
    """A minimal but well-formed one-page PDF (header, objects, xref table, trailer)."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
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
    path.write_bytes(bytes(out))
    return path


def docx_text(path: Path) -> str:
    """All the text of a DOCX: paragraphs, tables (nested too), headers and footers, one line each."""
    import docx

    doc = docx.Document(str(path))
    lines: list[str] = []

    def walk(container) -> None:
        for p in container.paragraphs:
            lines.append(p.text)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(doc)
    for section in doc.sections:
        walk(section.header)
        walk(section.footer)
    return "\n".join(lines)


def squash(text: str) -> str:
    """Collapse runs of whitespace (a DOCX line may be split across runs and tabs)."""
    return re.sub(r"\s+", " ", text)

