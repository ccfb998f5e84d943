"""Drafts: preparing a decision from the approved nominees of ready dossiers, the board's edits
before it goes to the chairman, and discarding a draft."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from workflows.messages import Msg

from ...documents.vietnamese import address_line
from ...models import (
    Authority, Award, AwardForm, AwardStatus, Decision, DecisionState, Dossier, Nominee, Signer, User,
)
from .. import audit
from .candidates import _already_awarded, decision_path, recipients_of
from .common import DecisionError, _check_version, _flush
from .money import KIND_ORDER, apply_money


# --------------------------------------------------------------------------------- preparation

def prepare_decision(
    session: Session,
    *,
    actor: User,
    form: AwardForm,
    dossiers: Iterable[Dossier],
    decision_date: date,
    title: str | None = None,
    achievement_phrase: str | None = None,
    fund_source: str | None = None,
    signer: Signer | None = None,
    proposal_number: str | None = None,
    proposal_date: date | None = None,
) -> Decision:
    """A draft decision granting ``form`` to the recipients of ``dossiers``."""
    dossiers = list(dossiers)
    path = decision_path(form.workflow)
    if path is None or form.authority is None:
        raise DecisionError(Msg("Hình thức «%(form)s» không do cấp tỉnh/xã ra quyết định.", form=form.name))
    if not dossiers:
        raise DecisionError(Msg("Vui lòng chọn ít nhất một hồ sơ."))
    taken = set(session.scalars(_already_awarded()))
    recipients: list[Nominee] = []
    for d in dossiers:
        if d.workflow != form.workflow or d.state not in path.ready_states:
            raise DecisionError(Msg("Hồ sơ «%(title)s» (%(unit)s) chưa sẵn sàng để lập quyết định.",
                                    title=d.title, unit=d.unit.name))
        found = recipients_of(d, form, taken)
        if not found:
            raise DecisionError(Msg("Hồ sơ «%(title)s» không có đối tượng đủ điều kiện nhận «%(form)s».",
                                    title=d.title, form=form.name))
        recipients.extend(found)
    if signer is not None and signer.authority_id != form.authority_id:
        raise DecisionError(Msg("Người ký không thuộc cơ quan ban hành quyết định."))
    from ...documents.vietnamese import canonical_name

    movement = dossiers[0].round.movement if dossiers[0].round else None
    decision = Decision(
        authority=form.authority, authority_id=form.authority_id, award_form=form, award_form_id=form.id,
        round_id=dossiers[0].round_id if len({d.round_id for d in dossiers}) == 1 else None,
        state=DecisionState.draft.value,
        title=(title or "").strip() or f"Về việc tặng {form.name}",
        achievement_phrase=(achievement_phrase or "").strip() or (
            f"đã có thành tích xuất sắc trong thực hiện Phong trào thi đua {movement.title}" if movement else None),
        decision_date=decision_date, signer=signer,
        fund_source=(fund_source or "").strip() or form.authority.fund_source,
        proposal_number=(proposal_number or "").strip() or None, proposal_date=proposal_date,
        created_by_id=actor.id,
    )
    recipients.sort(key=lambda n: (KIND_ORDER[n.kind], n.dossier.unit_id, n.position, n.id))
    for i, n in enumerate(recipients):
        decision.awards.append(Award(
            nominee_id=n.id, unit_id=n.dossier.unit_id, position=i, kind=n.kind, name=n.name,
            canonical_name=n.canonical_name or canonical_name(n.name), name_key=n.name_key,
            gender=n.gender, birth_year=n.birth_year, citizen_id=n.citizen_id, position_title=n.position_title,
            workplace=n.workplace, address=address_line(n.hamlet, n.address)[:255] or None,  # with the thôn
            status=AwardStatus.proposed.value,
        ))
    session.add(decision)
    apply_money(session, decision, decision_date)
    session.flush()
    audit.record(session, "decision.prepared", actor=actor, obj=decision, new_state=decision.state,
                 unit_id=form.authority.unit_id,
                 details={"dossiers": [d.id for d in dossiers], "recipients": len(recipients),
                          "total": decision.total_amount})
    session.flush()
    return decision


# ------------------------------------------------------------------------------ editing a draft

@dataclass
class DraftEdit:
    """What the board may change on a draft before it goes to the chairman.

    ``legal_basis`` and ``copy_to`` are lines (the căn cứ; the nơi nhận, where a line "Lưu: …" is
    the archive line); ``order`` maps an award's id to its place within its group (tập thể, cá
    nhân, hộ gia đình), 1 being the first; a row given another place goes before the row that
    had it ("move Cường to 1"); ``remove`` are the awards taken off the draft: their nominees go
    back to their dossiers and may be put on another decision."""

    title: str
    decision_date: date
    achievement_phrase: str | None = None
    fund_source: str | None = None
    signer_id: int | None = None
    proposer: str = ""
    proposal_number: str | None = None
    proposal_date: date | None = None
    legal_basis: list[str] = field(default_factory=list)
    copy_to: list[str] = field(default_factory=list)
    order: dict[int, int] = field(default_factory=dict)
    remove: set[int] = field(default_factory=set)


def _clean_line(text: str | None) -> str:
    from ...documents.vietnamese import collapse_spaces

    return collapse_spaces(text)


def _clean_lines(lines: Iterable[str]) -> list[str]:
    """One item per line: NFC, spaces collapsed, the list dash and the ending ';' '.' dropped."""
    out = []
    for line in lines:
        line = _clean_line(line).lstrip("-–").strip().rstrip(";.,").strip()
        if line:
            out.append(line)
    return out


def draft_values(decision: Decision) -> dict[str, Any]:
    """The draft's editable values as the edit form shows them (text areas: one item a line)."""
    from ...documents.context import decision_texts

    texts = decision_texts(decision)
    return {
        "title": decision.title,
        "decision_date": decision.decision_date,
        "achievement_phrase": decision.achievement_phrase or "",
        "fund_source": decision.fund_source or "",
        "signer_id": decision.signer_id or 0,
        "proposer": texts.proposer,
        "proposal_number": decision.proposal_number or "",
        "proposal_date": decision.proposal_date,
        "legal_basis": "\n".join(f"{line};" for line in texts.legal_basis),
        "copy_to": "\n".join(texts.copy_to_lines),
    }


def _draft_state(decision: Decision) -> dict[str, Any]:
    """What an edit may change, JSON-friendly: the audit row's before and after."""
    from ...documents.context import decision_texts

    texts = decision_texts(decision)
    signer = decision.signer
    return {
        "title": decision.title,
        "decision_date": decision.decision_date.isoformat() if decision.decision_date else None,
        "achievement_phrase": decision.achievement_phrase,
        "fund_source": decision.fund_source,
        "signer": f"{signer.full_name} ({signer.authority_line})" if signer else None,
        "proposer": texts.proposer,
        "proposal_number": decision.proposal_number,
        "proposal_date": decision.proposal_date.isoformat() if decision.proposal_date else None,
        "legal_basis": list(texts.legal_basis),
        "copy_to": texts.copy_to_lines,
        "total_amount": decision.total_amount,
    }


def _default_copy_to(authority: Authority) -> list[str]:
    from ...documents.context import split_copy_to

    lines, archive = split_copy_to((authority.copy_recipients or "Như Điều 3").splitlines(),
                                   f"Lưu: VT, {authority.archive_code}.")
    return _clean_lines(lines + [archive])


def _validate_edit(session: Session, decision: Decision, edit: DraftEdit) -> tuple[Signer | None, list[Award]]:
    """Every problem of ``edit`` at once, before anything changes."""
    problems: list[Msg] = []
    if not _clean_line(edit.title):
        problems.append(Msg("Vui lòng nhập trích yếu của quyết định."))
    if edit.decision_date is None:
        problems.append(Msg("Vui lòng nhập ngày quyết định (ngày/tháng/năm)."))
    if not _clean_line(edit.proposer):
        problems.append(Msg("Vui lòng nhập người đề nghị (dòng «Theo đề nghị của …»), ví dụ Giám đốc Sở Nội vụ."))
    if not _clean_lines(edit.legal_basis):
        problems.append(Msg("Vui lòng nhập ít nhất một dòng căn cứ."))
    if edit.proposal_date and edit.decision_date and edit.proposal_date > edit.decision_date:
        problems.append(Msg("Ngày tờ trình không được sau ngày quyết định."))
    signer = None
    if edit.signer_id:
        signer = session.get(Signer, edit.signer_id)
        if signer is None or signer.authority_id != decision.authority_id or (
            not signer.active and signer.id != decision.signer_id
        ):
            signer = None
            problems.append(Msg("Người ký phải là một trong những người ký đang hoạt động của %(authority)s.",
                                authority=decision.authority.name))
    ids = {a.id for a in decision.awards}
    if (set(edit.remove) | set(edit.order)) - ids:
        problems.append(Msg("Danh sách người nhận đã thay đổi, vui lòng tải lại trang."))
    removed = [a for a in decision.awards if a.id in edit.remove]
    if removed and len(removed) == len(decision.awards):
        problems.append(Msg("Dự thảo phải còn ít nhất một người nhận; muốn bỏ tất cả, hãy hủy dự thảo."))
    if any(v < 1 for v in edit.order.values()):
        problems.append(Msg("Thứ tự phải là số nguyên dương."))
    if problems:
        raise DecisionError(Msg.joined(problems))
    return signer, removed


def update_draft(session: Session, decision: Decision, edit: DraftEdit, *, actor: User,
                 expected_version: int | None) -> dict[str, Any]:
    """Save the board's changes to a draft, all or nothing, with one audit row that holds the
    before and after of every changed item, the awards taken off and the awards moved. Returns
    those details; empty when nothing changed (nothing is written then). Refused once the draft
    has been submitted to the chairman (approved and numbered decisions a fortiori)."""
    if decision.state != DecisionState.draft.value or decision.number is not None:
        raise DecisionError(Msg("Quyết định đã trình Chủ tịch hoặc đã được phê duyệt, cấp số: không sửa được nữa."))
    _check_version(decision, expected_version)
    signer, removed = _validate_edit(session, decision, edit)
    before = _draft_state(decision)
    old_rank = {a.id: i for i, a in enumerate(sorted((a for a in decision.awards if a not in removed),
                                                     key=lambda a: (a.position, a.id)))}
    old_snapshot = dict(decision.snapshot or {})
    shown: dict[int, int] = {}  # the place the form showed: 1, 2, 3… within each group
    counts: dict[str, int] = {}
    for a in sorted(decision.awards, key=lambda a: (a.position, a.id)):
        counts[a.kind] = shown[a.id] = counts.get(a.kind, 0) + 1

    def _place(a: Award) -> tuple[int, int, int, int]:
        """Its new place; a row whose number was changed goes before an unchanged one of that number."""
        wanted = edit.order.get(a.id, shown[a.id])
        return wanted, 0 if wanted != shown[a.id] else 1, a.position, a.id

    with session.no_autoflush:  # one UPDATE at the end: the version moves by one
        decision.title = _clean_line(edit.title)[:500]
        decision.achievement_phrase = _clean_line(edit.achievement_phrase) or None
        decision.fund_source = _clean_line(edit.fund_source)[:255] or None
        decision.signer = signer
        decision.proposal_number = _clean_line(edit.proposal_number)[:40] or None
        decision.proposal_date = edit.proposal_date
        decision.decision_date = edit.decision_date
        for a in removed:
            decision.awards.remove(a)
        kept = sorted(decision.awards, key=lambda a: (KIND_ORDER[a.kind], *_place(a)))
        for i, a in enumerate(kept):
            a.position = i
        decision.awards.sort(key=lambda a: a.position)
        apply_money(session, decision, edit.decision_date)  # amounts and căn cứ of the rule set of that date

        snap = dict(decision.snapshot)
        basis = _clean_lines(edit.legal_basis)
        if basis != _clean_lines(old_snapshot.get("legal_basis") or []):
            # Typed by the board: kept as typed, even if the date later moves to another rule set.
            default = [] if snap.get("legal_basis_edited") else _clean_lines(snap.get("legal_basis") or [])
            snap["legal_basis"] = basis
            snap["legal_basis_edited"] = basis != default
        proposer = _clean_line(edit.proposer)[:255]
        if proposer == _clean_line(decision.authority.proposer_title):
            snap.pop("proposer", None)  # the authority's own: follows its settings
        else:
            snap["proposer"] = proposer
        copy_to = _clean_lines(edit.copy_to)
        if copy_to == _default_copy_to(decision.authority):
            snap.pop("copy_to", None)
        else:
            snap["copy_to"] = copy_to
        decision.snapshot = snap
        after = _draft_state(decision)
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        moved = [[a.id, a.name, old_rank[a.id] + 1, a.position + 1] for a in decision.awards
                 if a.position != old_rank[a.id]]
    if not (changes or removed or moved):
        return {}
    details: dict[str, Any] = {"changes": changes}
    if removed:
        details["removed"] = [{"award_id": a.id, "nominee_id": a.nominee_id, "name": a.name} for a in removed]
    if moved:
        details["moved"] = moved
    flag_modified(decision, "snapshot")  # the version moves even when only the order changed
    audit.record(session, "decision.updated", actor=actor, obj=decision, unit_id=decision.authority.unit_id,
                 details=details)
    _flush(session)
    return details


def discard_draft(session: Session, decision: Decision, *, actor: User, expected_version: int | None) -> None:
    _check_version(decision, expected_version)
    if decision.state != DecisionState.draft.value:
        raise DecisionError(Msg("Chỉ hủy được dự thảo chưa trình."))
    audit.record(session, "decision.discarded", actor=actor, obj=decision, unit_id=decision.authority.unit_id,
                 details={"title": decision.title})
    session.delete(decision)
    session.flush()
