"""The PDF download is offered only where LibreOffice is installed."""
from __future__ import annotations

from awards.db import db
from awards.models import Award, Decision
from tests import factories as f


def _decision():
    form = f.form("BK-TINH")
    d = Decision(authority=form.authority, award_form=form, title="Về việc tặng Bằng khen", state="draft")
    d.awards.append(Award(unit=f.unit("X-GIAVIEN"), kind="individual", name="Nguyễn Văn An",
                          canonical_name="Nguyễn Văn An", name_key="nguyen van an", gender="male", amount=3_800_000))
    db.session.add(d)
    db.session.commit()
    return d


def test_without_libreoffice_the_pdf_button_is_hidden(app, ctx, client, monkeypatch):
    f.load_demo()
    d = _decision()
    monkeypatch.setattr("awards.decisions.routes.soffice_path", lambda: None)
    f.login(client, "vanthu")
    page = client.get(f"/decisions/{d.id}").get_data(as_text=True)
    assert "Quyết định (DOCX)" in page and "Quyết định (PDF)" not in page
    assert client.get(f"/decisions/{d.id}/decision.pdf").status_code == 404
