"""Quyết định tặng Bằng khen / Giấy khen with its annex (DANH SÁCH), per NĐ 30/2020.

``render_decision(data)`` fills ``templates/docx/decision.docx`` (or an uploaded
template): the body through docxtpl (autoescape on) and the annex table through the
template-row fast path, so 10,000 recipients render in well under a second.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .data import KIND_LABELS, KIND_ORDER, DecisionData, Recipients, SortMode
from .docx_render import FastRows, lines, load_template, render_docx
from .samples import sample_decision_data
from .vietnamese import (
    amount_in_words,
    draft_date,
    format_date,
    format_doc_number,
    format_number,
    name_sort_key,
    place_date_line,
    zero_pad,
)

__all__ = [
    "AnnexRow",
    "annex_rows",
    "decision_context",
    "render_decision",
    "sample_decision_data",
    "recipients_phrase",
    "roman",
]

_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


class AnnexRow(NamedTuple):
    """One row of the annex: a group heading or a recipient."""

    kind: str  # "group" or "row"
    recipient_kind: str  # collective / individual / household
    title: str = ""  # group heading
    stt: str = ""
    name: str = ""
    detail: str = ""


def _join_list(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " và " + parts[-1]


def recipients_phrase(recipients: Recipients) -> str:
    """'05 tập thể, 12 cá nhân và 03 hộ gia đình' (only kinds present)."""
    return _join_list(
        [f"{zero_pad(recipients.count(k))} {KIND_LABELS[k][1]}" for k in KIND_ORDER if recipients.count(k)]
    )


def _sorted(items: list, key_name, sort_mode: SortMode) -> list:
    if sort_mode == "given_name":
        return sorted(items, key=lambda r: name_sort_key(key_name(r)))
    if sort_mode != "approved":
        raise ValueError("sort_mode must be 'approved' or 'given_name'")
    return list(items)


def annex_rows(recipients: Recipients, sort_mode: SortMode = "approved") -> list[AnnexRow]:
    """The annex rows: per kind present, a group row 'I. TẬP THỂ (05)' then its members."""
    rows: list[AnnexRow] = []
    group_no = 0
    for kind in KIND_ORDER:
        members = recipients.of_kind(kind)
        if not members:
            continue
        group_no += 1
        rows.append(
            AnnexRow("group", kind, title=f"{roman(group_no)}. {KIND_LABELS[kind][0]} ({zero_pad(len(members))})")
        )
        if kind == "collective":
            for i, c in enumerate(members, 1):
                rows.append(AnnexRow("row", kind, stt=str(i), name=c.name, detail=c.address))
        elif kind == "individual":
            for i, p in enumerate(_sorted(members, lambda r: r.name, sort_mode), 1):
                detail = ", ".join(x for x in (p.position, p.workplace) if x)
                rows.append(AnnexRow("row", kind, stt=str(i), name=f"{p.title} {p.name}", detail=detail))
        else:
            for i, h in enumerate(_sorted(members, lambda r: r.head_name, sort_mode), 1):
                rows.append(
                    AnnexRow("row", kind, stt=str(i), name=f"Hộ {h.title.lower()} {h.head_name}", detail=h.address)
                )
    return rows


def fast_rows(rows: list[AnnexRow]) -> FastRows:
    kind_names = {"collective": "Tập thể", "individual": "Cá nhân", "household": "Hộ gia đình"}
    return FastRows(
        variables=("group", "row"),
        rows=[
            ("group", {"title": r.title})
            if r.kind == "group"
            else ("row", {"stt": r.stt, "name": r.name, "detail": r.detail, "kind": kind_names[r.recipient_kind]})
            for r in rows
        ],
        required=("row",),
    )


def _with_ending(text: str, ending: str) -> str:
    text = text.strip().rstrip(";.,")
    return f"{text}{ending}" if text else ""


def basis_lines(basis: list[str], proposal_line: str) -> tuple[list[str], str]:
    """Căn cứ lines end with ';', the last line of the block (proposal or basis) with '.'."""
    items = [_with_ending(b, ";") for b in basis if b and b.strip()]
    proposal = _with_ending(proposal_line, ".") if proposal_line and proposal_line.strip() else ""
    if not proposal and items:
        items[-1] = _with_ending(items[-1], ".")
    return items, proposal


def copy_to_lines(copy_to: list[str], archive_line: str) -> list[str]:
    """'Như Điều 3;' … 'Lưu: VT, TĐKT.' (the dash comes from the template)."""
    items = [_with_ending(c.lstrip("-– ").strip(), ";") for c in copy_to if c and c.strip()]
    archive = archive_line.lstrip("-– ").strip()
    if archive:
        items.append(_with_ending(archive, "."))
    elif items:
        items[-1] = _with_ending(items[-1], ".")
    return items


def header_context(authority_parent, authority_lines, symbol, number, d, year, place) -> dict[str, Any]:
    parent = list(authority_parent)
    return {
        "authority_parent": lines(parent + [""]) if parent else "",
        "authority_name": lines(authority_lines),
        "doc_number": format_doc_number(number, symbol),
        "place_date": place_date_line(place, d, year),
        "date_text": format_date(d) if d else draft_date(year),
        "year": str(year or ""),
    }


def decision_context(data: DecisionData) -> dict[str, Any]:
    """The template context (all values plain, pre-formatted strings or lists)."""
    r = data.recipients
    year = data.effective_year
    basis, proposal = basis_lines(list(data.legal_basis), data.proposal_line)
    money = [
        f"mỗi {KIND_LABELS[k][1]} {format_number(data.amounts[k])} đồng" for k in KIND_ORDER if r.count(k)
    ]
    total = data.total_amount
    kinds_present = [KIND_LABELS[k][1] for k in KIND_ORDER if r.count(k)]
    subtitle = data.annex_subtitle or f"{_join_list(kinds_present)} được tặng {data.award_name}"
    doc_number = format_doc_number(data.number, data.symbol)
    date_text = format_date(data.date) if data.date else draft_date(year)
    achievement = data.achievement.strip().rstrip(".")
    ctx = header_context(
        data.authority_parent, data.authority_lines, data.symbol, data.number, data.date, year, data.place
    )
    ctx.update(
        {
            "title_line": data.title_line or f"Về việc tặng {data.award_name}",
            "issuer_title": data.issuer_title,
            "legal_basis": basis,
            "proposal_line": proposal,
            "award_name": data.award_name,
            "recipients_phrase": recipients_phrase(r),
            "achievement": achievement,
            "n_collectives": zero_pad(r.count("collective")),
            "n_individuals": zero_pad(r.count("individual")),
            "n_households": zero_pad(r.count("household")),
            "money_each": ", ".join(money),
            "total_amount": format_number(total),
            "total_in_words": amount_in_words(total),
            "fund_source": data.fund_source.strip().rstrip("."),
            "executors": data.executors.strip().rstrip("."),
            "copy_to": copy_to_lines(list(data.copy_to), data.archive_line),
            "signer_title": lines(data.signer.lines),
            "signer_name": data.signer.name,
            "annex_title": data.annex_title,
            "annex_subtitle": subtitle,
            "annex_reference": (
                f"(Kèm theo {data.doc_type_name} số {doc_number} {date_text} của {data.issuer_short})"
            ),
        }
    )
    return ctx


def render_decision(data: DecisionData, *, template_bytes: bytes | None = None) -> bytes:
    """The decision and its annex as DOCX bytes."""
    if data.recipients.total == 0:
        raise ValueError("a decision needs at least one recipient")
    template = template_bytes if template_bytes is not None else load_template("decision")
    rows = annex_rows(data.recipients, data.sort_mode)
    return render_docx(
        template,
        decision_context(data),
        fast_rows=[fast_rows(rows)],
        core_title=f"{data.doc_type_name} {format_doc_number(data.number, data.symbol).strip()}",
    )
