"""Tờ trình đề nghị khen thưởng (TTr): the unit's and the board's versions.

Same layout rules as the decision (NĐ 30/2020): header table, "TỜ TRÌNH", trích
yếu, "Kính gửi", body, nơi nhận and signature, and the list of nominees as an annex
in its own section (page numbers restart at 1).
"""

from __future__ import annotations

from typing import Any

from .data import KIND_LABELS, KIND_ORDER, ProposalData
from .decision import _join_list, annex_rows, copy_to_lines, fast_rows, header_context, recipients_phrase
from .docx_render import lines, load_template, render_docx
from .samples import sample_proposal_data
from .vietnamese import draft_date, format_date, format_doc_number

__all__ = ["proposal_paragraphs", "proposal_context", "render_proposal", "sample_proposal_data"]


def _ending(text: str, ending: str) -> str:
    return text.strip().rstrip(";.,") + ending


def proposal_paragraphs(data: ProposalData) -> list[str]:
    """The body paragraphs: ``data.paragraphs`` or the standard wording of the variant."""
    if data.paragraphs:
        return [p.strip() for p in data.paragraphs if p and p.strip()]
    phrase = recipients_phrase(data.recipients)
    achievement = data.achievement.strip().rstrip(".")
    basis = [b for b in data.basis if b and b.strip()]
    out: list[str] = []
    if data.variant == "upward":
        return _upward_paragraphs(data, phrase, achievement, basis)
    if data.variant == "unit":
        if basis:
            out += [_ending(b, ";") for b in basis]
        out.append(
            f"{data.proposer} kính trình {data.decider} xem xét, tặng {data.award_name} cho {phrase} "
            f"(có danh sách kèm theo), {achievement}."
        )
        out.append(
            "Hồ sơ kèm theo gồm: biên bản họp Hội đồng Thi đua - Khen thưởng; báo cáo thành tích của "
            "các tập thể, cá nhân, hộ gia đình được đề nghị khen thưởng."
        )
    else:
        if basis:
            out += [_ending(b, ";") for b in basis]
        out.append(
            "Trên cơ sở đề nghị của các cơ quan, đơn vị, địa phương và kết quả thẩm định hồ sơ, "
            f"{data.proposer} đề nghị {data.decider} tặng {data.award_name} cho {phrase} "
            f"(có danh sách kèm theo), {achievement}."
        )
        out.append(
            data.appraisal.strip()
            or "Hồ sơ đề nghị khen thưởng đã được thẩm định, bảo đảm đúng đối tượng, tiêu chuẩn, "
            "trình tự, thủ tục theo quy định."
        )
    out.append(f"{data.proposer} kính trình {data.decider} xem xét, quyết định./.")
    return out


UPWARD_APPRAISAL = (
    "Danh sách đề nghị khen thưởng đã được Hội đồng Thi đua - Khen thưởng tỉnh xét, thông qua và "
    "công khai lấy ý kiến theo quy định; các tập thể, cá nhân được đề nghị bảo đảm đúng đối tượng, "
    "tiêu chuẩn, trình tự, thủ tục."
)
UPWARD_ENCLOSURES = (
    "Hồ sơ kèm theo gồm: biên bản họp xét khen thưởng của Hội đồng Thi đua - Khen thưởng tỉnh; báo cáo "
    "thành tích của các tập thể, cá nhân được đề nghị khen thưởng có xác nhận của cấp trình khen thưởng."
)


def _upward_paragraphs(data: ProposalData, phrase: str, achievement: str, basis: list[str]) -> list[str]:
    """The province's proposal to the higher level: căn cứ, the request, the council's
    consideration and public comment, the enclosures, the closing line."""
    addressee = data.addressee.strip().rstrip(".")
    decider = data.decider.strip().rstrip(".")
    forward = f"trình {decider} " if decider and decider != addressee else ""
    out = [_ending(b, ";") for b in basis]
    out.append(
        f"{data.proposer} kính đề nghị {addressee} xem xét, {forward}tặng {data.award_name} cho {phrase} "
        f"(có danh sách kèm theo), {achievement}."
    )
    out.append(data.appraisal.strip() or UPWARD_APPRAISAL)
    out.append(UPWARD_ENCLOSURES)
    out.append(f"{data.proposer} kính trình {addressee} xem xét, {forward}quyết định./.")
    return out


def proposal_context(data: ProposalData) -> dict[str, Any]:
    year = data.effective_year
    ctx = header_context(
        data.authority_parent, data.authority_lines, data.symbol, data.number, data.date, year, data.place
    )
    kinds = [KIND_LABELS[k][1] for k in KIND_ORDER if data.recipients.count(k)]
    doc_number = format_doc_number(data.number, data.symbol)
    date_text = format_date(data.date) if data.date else draft_date(year)
    ctx.update(
        {
            "title_line": data.title_line or f"Về việc đề nghị tặng {data.award_name}",
            "addressee": data.addressee.strip().rstrip("."),
            "paragraphs": proposal_paragraphs(data),
            "award_name": data.award_name,
            "recipients_phrase": recipients_phrase(data.recipients),
            "n_collectives": f"{data.recipients.count('collective'):02d}",
            "n_individuals": f"{data.recipients.count('individual'):02d}",
            "n_households": f"{data.recipients.count('household'):02d}",
            "copy_to": copy_to_lines(list(data.copy_to), data.archive_line),
            "signer_title": lines(data.signer.lines),
            "signer_name": data.signer.name,
            "annex_title": data.annex_title,
            "annex_subtitle": data.annex_subtitle
            or f"{_join_list(kinds)} đề nghị tặng {data.award_name}",
            "annex_reference": f"(Kèm theo Tờ trình số {doc_number} {date_text} của {data.proposer})",
        }
    )
    return ctx


def render_proposal(data: ProposalData, *, template_bytes: bytes | None = None) -> bytes:
    """The tờ trình and its list of nominees as DOCX bytes."""
    template = template_bytes if template_bytes is not None else load_template("proposal")
    rows = annex_rows(data.recipients, data.sort_mode)
    return render_docx(
        template,
        proposal_context(data),
        fast_rows=[fast_rows(rows)],
        core_title=f"Tờ trình {format_doc_number(data.number, data.symbol).strip()}",
    )
