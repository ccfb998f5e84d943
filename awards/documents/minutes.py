"""Biên bản họp Hội đồng Thi đua - Khen thưởng: attendance, quorum, votes per nominee."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .data import MinutesData
from .decision import header_context
from .docx_render import FastRows, load_template, render_docx
from .samples import sample_minutes_data
from .vietnamese import format_doc_number

__all__ = ["ratio_text", "percent_text", "minutes_context", "render_minutes", "sample_minutes_data"]


def ratio_text(f: Fraction) -> str:
    """2/3 -> '2/3'; 4/5 -> '80%'; 1/2 -> '50%'."""
    pct = f * 100
    if pct.denominator == 1:
        return f"{pct.numerator}%"
    return f"{f.numerator}/{f.denominator}"


def percent_text(numerator: int, denominator: int) -> str:
    """'80,00' (two decimals, Vietnamese decimal comma)."""
    if denominator <= 0:
        return "0,00"
    value = Fraction(numerator * 100, denominator)
    hundredths = (value * 100 + Fraction(1, 2)) // 1  # round half up
    return f"{hundredths // 100},{hundredths % 100:02d}"


# What a heading line ("Thời gian: …") says when the session does not record it.
UNRECORDED = "chưa ghi"


def _or_unrecorded(text: str) -> str:
    return text.strip().rstrip(".").strip() or UNRECORDED


def minutes_context(data: MinutesData) -> dict[str, Any]:
    year = data.effective_year
    ctx = header_context(
        data.authority_parent, data.authority_lines, data.symbol, data.number, data.date, year, data.place
    )
    attendance = [
        f"Thành viên Hội đồng có mặt: {data.present}/{data.members} người"
        + (f", gồm: {', '.join(data.present_names)}." if data.present_names else ".")
    ]
    if data.absent_names:
        attendance.append(
            f"Vắng mặt: {len(data.absent_names)} người ({', '.join(data.absent_names)})."
        )
    enough = "đủ" if data.has_quorum() else "không đủ"
    quorum_text = (
        f"Số thành viên có mặt là {data.present}/{data.members} "
        f"({percent_text(data.present, data.members)}%), {enough} điều kiện tiến hành cuộc họp theo "
        f"quy định (tối thiểu {ratio_text(data.quorum)} tổng số thành viên)."
    )
    base = "tổng số thành viên Hội đồng" if data.threshold_over == "members" else "số thành viên có mặt"
    comparison = "trên" if data.strictly_greater else "từ"
    vote_rule = f"đạt khi số phiếu đồng ý {comparison} {ratio_text(data.threshold)} {base}"
    denominator = data.members if data.threshold_over == "members" else data.present
    ctx.update(
        {
            "title_line": data.title_line,
            "meeting_time": _or_unrecorded(data.meeting_time),
            "meeting_place": _or_unrecorded(data.meeting_place),
            "chair": _or_unrecorded(data.chair),
            "secretary": _or_unrecorded(data.secretary),
            "attendance": attendance,
            "quorum_text": quorum_text,
            "paragraphs": [p for p in data.paragraphs if p and p.strip()],
            "vote_rule": vote_rule,
            "conclusion": data.conclusion,
            "closing": data.closing,
            "chair_title": data.chair_title,
            "chair_name": data.chair_name,
            "secretary_title": data.secretary_title,
            "secretary_name": data.secretary_name,
        }
    )
    ctx["_votes"] = [
        {
            "stt": str(i),
            "name": v.name,
            "form": v.form,
            "agree": str(v.agree),
            "disagree": str(v.disagree),
            "percent": percent_text(v.agree, denominator),
            "result": "Đạt" if data.passes(v) else "Không đạt",
        }
        for i, v in enumerate(data.votes, 1)
    ]
    return ctx


def render_minutes(data: MinutesData, *, template_bytes: bytes | None = None) -> bytes:
    """The minutes as DOCX bytes."""
    template = template_bytes if template_bytes is not None else load_template("minutes")
    ctx = minutes_context(data)
    votes = ctx.pop("_votes")
    return render_docx(
        template,
        ctx,
        fast_rows=[FastRows(variables=("vote",), rows=[("vote", v) for v in votes], required=("vote",))],
        core_title=f"Biên bản {format_doc_number(data.number, data.symbol).strip()}",
    )
