"""Small helpers of the browser tests: log a person in, make a valid PDF, read a DOCX's text."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from awards.documents.text_pdf import text_pdf
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


def answer_next_confirm(page: Page, accept: bool = True) -> list[str]:
    """Answer the next confirmation dialog (a form's data-confirm, static/js/app.js); the returned
    list receives the question asked. Playwright dismisses dialogs nobody answers."""
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.message)
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.once("dialog", answer)
    return asked


def make_pdf(path: Path, text: str) -> Path:
    """A minimal but well-formed one-page PDF (header, objects, xref table, trailer)."""
    path.write_bytes(text_pdf([text], size=18))
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

