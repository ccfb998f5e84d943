"""The English interface: the catalogue is complete, consistent, compiled and current, and the
language switch really changes what a person reads.

Message ids are the Vietnamese texts; Vietnamese (the default locale) needs no catalogue. When a test
here fails because of a new or changed _() string: run `make translations`, translate the new
entries in translations/en/LC_MESSAGES/messages.po, and run `make translations` again.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

import tests.factories as f

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
FIX = "run `make translations`, translate the new entries in translations/en/LC_MESSAGES/messages.po, then run `make translations` again"


def _read_po(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def _messages(catalog) -> dict[str, str]:
    return {m.id: m.string for m in catalog if m.id}


@pytest.fixture(scope="module")
def pot():
    return _read_po(POT)


@pytest.fixture(scope="module")
def po():
    return _read_po(PO)


def test_every_msgid_has_an_english_translation(pot, po):
    untranslated = []
    for m in pot:
        if not m.id:
            continue
        t = po.get(m.id)
        if t is None or not t.string or not t.string.strip() or t.fuzzy:
            untranslated.append(m.id)
    assert len(pot) > 500  # the real template, not an empty file
    assert not untranslated, (
        f"{len(untranslated)} message(s) have no (or only a fuzzy) English translation; {FIX}:\n  "
        + "\n  ".join(untranslated)
    )


def test_placeholders_match_and_format(po):
    bad = []
    for m in po:
        if not m.id or not m.string:
            continue
        if set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string)):
            bad.append(f"{m.id!r} -> {m.string!r}: placeholders differ")
            continue
        # Flask-Babel's Jinja gettext is "newstyle": it always applies `% variables`, so a stray
        # '%' in a translation would crash the page that shows it.
        values = {name: "x" for name in PLACEHOLDER.findall(m.id)}
        try:
            m.string % values
        except (ValueError, TypeError, KeyError) as exc:
            bad.append(f"{m.string!r}: cannot be formatted ({exc})")
    assert not bad, "\n".join(bad)


def test_placeholder_check_catches_a_dropped_placeholder():
    """The check above is not vacuous: a translation that loses %(n)s is caught."""
    msgid, msgstr = "%(n)s hồ sơ", "dossiers"
    assert set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(msgstr))


def test_compiled_mo_is_up_to_date_with_po(po, tmp_path):
    fresh = tmp_path / "messages.mo"
    with fresh.open("wb") as fh:
        write_mo(fh, po, use_fuzzy=False)  # what `pybabel compile` does
    with fresh.open("rb") as fh:
        expected = _messages(read_mo(fh))
    with MO.open("rb") as fh:
        committed = _messages(read_mo(fh))
    assert expected, "the freshly compiled catalogue is empty"
    stale = sorted(k for k in expected.keys() | committed.keys() if expected.get(k) != committed.get(k))
    assert not stale, (
        f"translations/en/LC_MESSAGES/messages.mo is out of date with messages.po for {len(stale)} "
        f"message(s) (e.g. {stale[:3]!r}); run `make translations` (or `pybabel compile -d translations`)"
    )


def _makefile_keywords() -> list[str]:
    """The -k keywords of the Makefile's extract command, so this check extracts exactly like it."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    keywords = re.findall(r"-k (\w+)", text)
    assert "_" in keywords, "the Makefile's `translations` target should extract with -k _"
    return keywords


def test_pot_is_up_to_date_with_the_templates(pot, tmp_path):
    out = tmp_path / "messages.pot"
    args = ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-o", str(out)]
    for k in _makefile_keywords():
        args += ["-k", k]
    args.append(str(ROOT))
    CommandLineInterface().run(args)
    current = {m.id for m in _read_po(out) if m.id}
    committed = {m.id for m in pot if m.id}
    new, gone = sorted(current - committed), sorted(committed - current)
    assert not new and not gone, (
        f"translations/messages.pot is out of date with the code; {FIX}.\n"
        f"New strings ({len(new)}):\n  " + "\n  ".join(new)
        + f"\nNo longer used ({len(gone)}):\n  " + "\n  ".join(gone)
    )


# --- Through the HTTP client ------------------------------------------------------------------


def _text(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def test_login_page_in_english_then_back_to_vietnamese(client):
    page = _text(client.get("/auth/login"))
    assert "Đăng nhập" in page and "Sign in" not in page and '<html lang="vi">' in page

    resp = client.post("/auth/language/en", data={"next": "/auth/login"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/auth/login")
    page = _text(client.get("/auth/login"))
    assert "Sign in" in page and "Đăng nhập" not in page
    assert '<html lang="en">' in page
    assert "Emulation and commendation management system" in page  # the footer

    client.post("/auth/language/vi")
    page = _text(client.get("/auth/login"))
    assert "Đăng nhập" in page and "Sign in" not in page


def test_unknown_language_keeps_vietnamese(client):
    client.post("/auth/language/fr")
    page = _text(client.get("/auth/login"))
    assert "Đăng nhập" in page and "Sign in" not in page


def test_dashboard_in_english_for_a_signed_in_user(app, client):
    with app.app_context():
        f.load_demo()
    resp = f.login(client, "xa.chuyenvien")  # a unit clerk: the dashboard lists the open rounds
    assert resp.status_code == 302
    client.post("/auth/language/en")
    page = _text(client.get("/"))
    assert "Tasks to handle" in page and "Việc cần xử lý" not in page
    assert "Sign out" in page and "Đăng xuất" not in page
    # The open demo round shows a translated, formatted message ("N days left").
    assert re.search(r"-?\d+ days left", page), "the open round's deadline line is not in English"

    client.post("/auth/language/vi")
    page = _text(client.get("/"))
    assert "Việc cần xử lý" in page and "Tasks to handle" not in page
