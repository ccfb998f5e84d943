"""`flask sample-decision` renders the demo province's decision through the clerk's code path."""
from __future__ import annotations

import io

import docx
import sqlalchemy as sa

from awards.db import db
from awards.models import Decision
from tests import factories as f


def _text(path) -> str:
    d = docx.Document(io.BytesIO(path.read_bytes()))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t._tbl.tr_lst:
            parts.append("".join(x.text or "" for x in row.iter(docx.oxml.ns.qn("w:t"))))
    return "\n".join(parts)


def test_sample_decision_on_the_new_base_salary(ctx, runner, tmp_path):
    f.load_demo()
    out = tmp_path / "qd.docx"
    r = runner.invoke(args=["sample-decision", "--out", str(out), "--collectives", "5", "--individuals", "12",
                            "--households", "3", "--date", "2026-07-01", "--number", "5"])
    assert r.exit_code == 0, r.output
    text = _text(out)
    assert "Số: 05/QĐ-UBND" in text
    assert "ngày 01 tháng 7 năm 2026" in text
    assert "cho 05 tập thể, 12 cá nhân và 03 hộ gia đình" in text
    assert "mỗi tập thể 7.590.000 đồng, mỗi cá nhân 3.800.000 đồng, mỗi hộ gia đình 5.700.000 đồng" in text
    assert "100.650.000 đồng" in text and "Một trăm triệu sáu trăm năm mươi nghìn đồng" in text
    assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0  # nothing kept


def test_sample_decision_before_the_raise(ctx, runner, tmp_path):
    f.load_demo()
    out = tmp_path / "qd.docx"
    r = runner.invoke(args=["sample-decision", "--out", str(out), "--collectives", "1", "--individuals", "1",
                            "--households", "1", "--date", "2026-06-30"])
    assert r.exit_code == 0, r.output
    text = _text(out)
    assert "mỗi tập thể 7.020.000 đồng, mỗi cá nhân 3.510.000 đồng, mỗi hộ gia đình 5.270.000 đồng" in text


def test_sample_decision_of_three_thousand_recipients(ctx, runner, tmp_path):
    f.load_demo()
    out = tmp_path / "big.docx"
    r = runner.invoke(args=["sample-decision", "--out", str(out), "--collectives", "100", "--individuals", "2800",
                            "--households", "100", "--date", "2027-01-05", "--number", "1"])
    assert r.exit_code == 0, r.output
    d = docx.Document(io.BytesIO(out.read_bytes()))
    rows = sum(len(t._tbl.tr_lst) for t in d.tables)
    assert rows >= 3000
    assert "ngày 05 tháng 01 năm 2027" in _text(out)


def test_sample_decision_needs_the_demo(runner, tmp_path):
    r = runner.invoke(args=["sample-decision", "--out", str(tmp_path / "x.docx")])
    assert r.exit_code != 0 and "seed-demo" in r.output


def test_the_authoritys_active_template_is_used_for_the_decision(ctx, runner, tmp_path):
    """An office's own Word template, once activated, is what the clerk's download renders."""
    from awards.services.templates import activate_template, upload_template
    from tests.awards.test_admin_templates import EDIT, edited_decision

    f.load_demo()
    auth = f.form("BK-TINH").authority
    tmpl = upload_template(db.session, actor=f.user("admin"), authority=auth, kind="decision",
                           filename="mau.docx", data=edited_decision())
    db.session.commit()
    out = tmp_path / "qd.docx"
    runner.invoke(args=["sample-decision", "--out", str(out), "--individuals", "2", "--date", "2026-08-01"])
    assert EDIT not in _text(out)  # uploaded but not yet in use
    activate_template(db.session, tmpl, actor=f.user("admin"))
    db.session.commit()
    r = runner.invoke(args=["sample-decision", "--out", str(out), "--individuals", "2", "--date", "2026-08-01"])
    assert r.exit_code == 0, r.output
    assert EDIT in _text(out)
