"""Plain data for the document renderers, built from the database objects (decisions, council
sessions). Everything is read here, before rendering, so no lazy load happens in a template and
no write transaction is held while a document renders."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Sequence
from urllib.parse import quote

from workflows.messages import Msg

from .data import (
    DEFAULT_LEGAL_BASIS, CertificateItem, Collective, DecisionData, Household, Individual, MinutesData,
    ProposalData, Recipients, Signer, VoteRow,
)
from .vietnamese import (
    address_line, collapse_spaces, format_date, format_doc_number, format_short_date, place_date_line,
)

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.orm import Session

    from ..models import Authority, Award, CouncilSession, Decision, Nominee, Unit
    from ..models import Signer as SignerRow
    from ..services.decisions import UpwardProposal
    from .overlay import OverlayLayout


class RendererMissing(RuntimeError):
    """The document builders are not available."""


def _strip_end(line: str) -> str:
    return line.strip().rstrip(";.").strip()


def recipients(awards: list["Award"]) -> Recipients:
    r = Recipients()
    for a in awards:
        if a.status == "revoked":
            continue
        if a.kind == "collective":
            r.collectives.append(Collective(a.name, address_line(a.address) or (a.workplace or "")))
        elif a.kind == "individual":
            r.individuals.append(Individual(a.name, a.gender or "male", a.position_title or "", a.workplace or ""))
        else:
            r.households.append(Household(a.name, a.gender or "male", address_line(a.address)))
    return r


def nominee_recipients(nominees: Sequence["Nominee"]) -> Recipients:
    """Nominees (in the given order) as the recipients of a tờ trình's list."""
    r = Recipients()
    for n in nominees:
        if n.kind == "collective":
            r.collectives.append(Collective(n.name, address_line(n.address)))
        elif n.kind == "individual":
            r.individuals.append(Individual(n.name, n.gender or "male", n.position_title or "", n.workplace or ""))
        else:
            r.households.append(Household(n.name, n.gender or "male", address_line(n.hamlet, n.address)))
    return r


def signer_for(authority: "Authority", signer: "SignerRow | None") -> Signer:
    """NĐ 30/2020: the head signs under his own title, a deputy "KT." + the head's title over his
    own; no signer yet gives the head's title over a blank name."""
    head = authority.head_title
    if signer is None:
        return Signer.head(head, "")
    if signer.is_head:
        return Signer.head(head, signer.full_name)
    return Signer.deputy(head, signer.position_title, signer.full_name)


def signer_block(decision: "Decision") -> Signer:
    return signer_for(decision.authority, decision.signer)


_ARCHIVE = re.compile(r"^Lưu\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class DecisionTexts:
    """The wording of a decision that its draft may change: the căn cứ, who proposed it ("Theo
    đề nghị của …"), the nơi nhận and the archive line. Each comes from the decision's snapshot
    when the draft was edited, else from the rule set (căn cứ) and the authority."""

    legal_basis: list[str]
    proposer: str
    copy_to: list[str]
    archive_line: str

    @property
    def copy_to_lines(self) -> list[str]:
        """The nơi nhận as the document prints it, one line each, "Lưu: …" last."""
        from .decision import copy_to_lines

        return copy_to_lines(self.copy_to, self.archive_line)


def split_copy_to(lines: Sequence[str], default_archive: str) -> tuple[list[str], str]:
    """(recipients, archive line): a line "Lưu: …" is the archive line, else ``default_archive``."""
    items = [_strip_end(line.strip().lstrip("-–").strip()) for line in lines if line and line.strip()]
    archive = next((x for x in items if _ARCHIVE.match(x)), None)
    return [x for x in items if x and not _ARCHIVE.match(x)], (f"{archive}." if archive else default_archive)


def decision_texts(decision: "Decision") -> DecisionTexts:
    auth = decision.authority
    snap = decision.snapshot or {}
    basis = [_strip_end(b) for b in (snap.get("legal_basis") or DEFAULT_LEGAL_BASIS) if b and b.strip()]
    proposer = snap["proposer"] if "proposer" in snap else (auth.proposer_title or "")
    lines = snap["copy_to"] if "copy_to" in snap else (auth.copy_recipients or "Như Điều 3").splitlines()
    copy_to, archive = split_copy_to(lines, f"Lưu: VT, {auth.archive_code}.")
    return DecisionTexts(legal_basis=basis, proposer=proposer, copy_to=copy_to, archive_line=archive)


def _amounts(decision: "Decision") -> dict[str, int]:
    snap = decision.snapshot or {}
    out = {k: int(v["amount"]) for k, v in (snap.get("amounts") or {}).items()}
    for a in decision.awards:
        out.setdefault(a.kind, a.amount)
    return out


# The tờ trình's date when none was entered: placeholders to fill in by hand.
PROPOSAL_DATE_BLANK = "ngày … tháng … năm …"


def decision_data(decision: "Decision") -> DecisionData:
    """The decision as DecisionData; the căn cứ and amounts come from the decision's snapshot."""
    auth = decision.authority
    texts = decision_texts(decision)
    amounts = _amounts(decision)
    proposal = ""
    if decision.proposal_number or decision.proposal_date:
        ref = proposal_reference(decision)
        # No date entered yet: blanks to fill in by hand, like a draft's own date.
        when = format_date(decision.proposal_date) if decision.proposal_date else PROPOSAL_DATE_BLANK
        who = f" của {texts.proposer}" if texts.proposer else ""
        proposal = f"Theo đề nghị{who} tại Tờ trình số {ref.text} {when}"
    elif texts.proposer:
        proposal = f"Theo đề nghị của {texts.proposer}"
    year = decision.year or (decision.decision_date.year if decision.decision_date else None)
    dated = decision.decision_date if decision.number is not None else None
    return DecisionData(
        recipients=recipients(list(decision.awards)),
        amount_collective=amounts.get("collective", 0),
        amount_individual=amounts.get("individual", 0),
        amount_household=amounts.get("household", 0),
        authority_lines=auth.header_lines,
        authority_parent=[auth.header_parent] if auth.header_parent else [],
        place=auth.place_name,
        symbol=auth.doc_symbol,
        number=decision.number,
        date=dated,
        year=year,
        award_name=decision.award_form.name,
        title_line=decision.title,
        issuer_title=auth.authority_title,
        issuer_short=auth.name,
        legal_basis=texts.legal_basis,
        proposal_line=proposal,
        achievement=decision.achievement_phrase or "đã có thành tích xuất sắc trong phong trào thi đua",
        fund_source=(decision.fund_source or auth.fund_source or "") + (f" năm {year}" if year else ""),
        executors=(auth.executors or "Thủ trưởng các cơ quan, đơn vị liên quan")
        + " và các tập thể, cá nhân, hộ gia đình có tên tại Điều 1",
        copy_to=texts.copy_to,
        archive_line=texts.archive_line,
        signer=signer_block(decision),
    )


@dataclass(frozen=True)
class ProposalReference:
    """The tờ trình a decision cites: its number and ký hiệu as the decision and the tờ trình
    itself both print them. A typed "15/TTr-UBND" gives its own ký hiệu; a bare "15" takes the
    authority's (Authority.proposal_symbol)."""

    number: int | None
    symbol: str
    text: str


def proposal_reference(decision: "Decision") -> ProposalReference:
    typed = collapse_spaces(decision.proposal_number)
    head, sep, rest = typed.partition("/")
    symbol = rest.strip() if sep and rest.strip() else decision.authority.proposal_symbol
    number = int(head) if head.strip().isdigit() and int(head) > 0 else None
    if number is not None:
        text = format_doc_number(number, symbol)
    else:  # not a number the register could give: cited as typed (or blank to fill in)
        text = typed or format_doc_number(None, symbol)
    return ProposalReference(number=number, symbol=symbol, text=text)


def unit_head_name(session: "Session | None", unit: "Unit") -> str:
    """The full name of the unit's head, "" when the data does not say: an active user with the
    unit_head role for it, else one whose recorded position is the unit's head ("Chánh Văn phòng
    HĐND và UBND xã" for Văn phòng HĐND và UBND xã), among the users of the unit or the one above."""
    if session is None:
        return ""
    import sqlalchemy as sa

    from ..models import RoleAssignment, Unit, User

    name = session.scalar(
        sa.select(User.full_name).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == "unit_head", RoleAssignment.scope_unit_id == unit.id, User.active.is_(True))
        .order_by(User.id).limit(1)
    )
    if name:
        return name
    phrases = set(_head_phrases(unit))
    if not phrases:
        return ""
    around = unit.parent or unit
    users = session.execute(
        sa.select(User.full_name, User.position).join(Unit, Unit.id == User.unit_id)
        .where(User.active.is_(True), User.position.is_not(None), Unit.path.startswith(around.path))
        .order_by(User.id)
    ).all()
    return next((full for full, position in users if collapse_spaces(position).casefold() in phrases), "")


def _words(text: str) -> list[str]:
    return collapse_spaces(text).split()


def _head_phrases(unit: "Unit") -> list[str]:
    """How the unit's head is written: head_title + the unit's (short) name, a shared word run
    written once ("Chánh Văn phòng" + "Văn phòng HĐND và UBND xã")."""
    head = _words(unit.head_title or "")
    if not head:
        return []
    out = []
    for name in (unit.short_name, unit.name):
        words = _words(name or "")
        if not words:
            continue
        fold_h, fold_n = [w.casefold() for w in head], [w.casefold() for w in words]
        shared = max((k for k in range(1, min(len(head), len(words)) + 1) if fold_h[-k:] == fold_n[:k]), default=0)
        out.append(" ".join(head + words[shared:]).casefold())
    return out


def proposer_unit(session: "Session | None", authority: "Authority", title: str) -> "Unit | None":
    """The unit whose head is ``title`` (the authority's proposer_title, "Giám đốc Sở Nội vụ"):
    the authority's unit or one under it, by its head_title and name; None when none matches."""
    want = collapse_spaces(title).casefold()
    if session is None or not want:
        return None
    import sqlalchemy as sa

    from ..models import Unit

    units = session.scalars(
        sa.select(Unit).where(Unit.path.startswith(authority.unit.path), Unit.head_title.is_not(None))
        .order_by(Unit.valid_to.is_not(None), Unit.path)
    ).all()
    phrases = [(u, p) for u in units for p in _head_phrases(u)]
    return (next((u for u, p in phrases if p == want), None)
            or next((u for u, p in phrases if p.startswith(want + " ")), None))


UBND = "Ủy ban nhân dân"


def _governing_line(unit: "Unit") -> tuple[str, ...]:
    """The governing body's header line: "UBND TỈNH NINH BÌNH" for a unit under the province."""
    parent = unit.parent
    if parent is None:
        return ()
    name = collapse_spaces(parent.name)
    if name.casefold().startswith(UBND.casefold()):
        name = "UBND" + name[len(UBND):]
    return (name.upper(),)


def proposal_data(decision: "Decision", appraisal: str = "") -> ProposalData:
    """The tờ trình to the deciding authority for this decision, issued by the proposer (the
    authority's proposer_title: "Giám đốc Sở Nội vụ" -> Sở Nội vụ, signed by its head)."""
    auth = decision.authority
    session = _session_of(decision)
    title = decision_texts(decision).proposer
    unit = proposer_unit(session, auth, title) if title else auth.unit
    if unit is not None:
        body = collapse_spaces(unit.short_name or unit.name)
        parent, header = _governing_line(unit), (body.upper(),)
        if unit.id == auth.unit_id:
            parent, header = tuple([auth.header_parent] if auth.header_parent else []), tuple(auth.header_lines)
        signer = Signer.head((unit.head_title or auth.head_title).upper(), unit_head_name(session, unit))
    else:
        # A proposer the unit tree does not know: the authority's own header, the title as typed.
        body = title
        parent, header = tuple([auth.header_parent] if auth.header_parent else []), tuple(auth.header_lines)
        signer = Signer.head(title.upper(), "")
    ref = proposal_reference(decision)
    year = decision.proposal_date.year if decision.proposal_date else (
        decision.decision_date.year if decision.decision_date else None)
    return ProposalData(
        recipients=recipients(list(decision.awards)),
        variant="board",
        authority_lines=header,
        authority_parent=parent,
        place=auth.place_name,
        symbol=ref.symbol,
        number=ref.number,
        date=decision.proposal_date,
        year=year,
        award_name=decision.award_form.name,
        addressee=auth.name,
        proposer=body,
        decider=auth.name,
        basis=[_strip_end(b) for b in ((decision.snapshot or {}).get("legal_basis") or [])],
        achievement=decision.achievement_phrase or "đã có thành tích xuất sắc trong phong trào thi đua",
        appraisal=appraisal,
        archive_line=f"Lưu: VT, {auth.archive_code}.",
        signer=signer,
    )


# Huân chương, Huy chương and the State's honorary titles are decided by Chủ tịch nước on the
# proposal of Thủ tướng Chính phủ: the province's tờ trình goes to Thủ tướng Chính phủ.
STATE_DECIDER = "chủ tịch nước"
PRIME_MINISTER = "Thủ tướng Chính phủ"
UPWARD_COPY_TO = ("Như trên", "Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương)", "Sở Nội vụ")


def upward_symbol(authority: "Authority") -> str:
    """The tờ trình's ký hiệu in the authority's register: QĐ-UBND -> TTr-UBND."""
    _, sep, issuer = authority.doc_symbol.partition("-")
    return f"TTr-{issuer}" if sep and issuer else "TTr-UBND"


def upward_proposal_data(up: "UpwardProposal") -> ProposalData:
    """The province's Tờ trình đề nghị khen thưởng to the higher level for one upward form
    (everything it prints was read by awards.services.decisions.upward_proposal)."""
    auth, form, numbered = up.authority, up.award_form, up.number
    decider = (form.upward_authority_name or "").strip() or PRIME_MINISTER
    addressee = PRIME_MINISTER if decider.casefold() == STATE_DECIDER else decider
    basis = list(up.legal_basis)
    if up.proposer_title:
        basis.append(f"Xét đề nghị của {up.proposer_title}")
    considered = "Danh sách đề nghị khen thưởng đã được Hội đồng Thi đua - Khen thưởng tỉnh xét, thông qua"
    if up.council_date:
        considered += f" tại phiên họp {format_date(up.council_date)}"
    considered += " và công khai lấy ý kiến"
    if up.comment_closed:
        considered += f" đến {format_date(up.comment_closed)}"
    considered += (" theo quy định; các tập thể, cá nhân được đề nghị bảo đảm đúng đối tượng, tiêu chuẩn, "
                   "trình tự, thủ tục.")
    return ProposalData(
        recipients=nominee_recipients(up.nominees),
        variant="upward",
        authority_lines=auth.header_lines,
        authority_parent=[auth.header_parent] if auth.header_parent else [],
        place=auth.place_name,
        symbol=numbered.symbol if numbered else upward_symbol(auth),
        number=numbered.number if numbered else None,
        date=numbered.proposal_date if numbered else None,
        year=numbered.year if numbered else up.year,
        award_name=form.name,
        addressee=addressee,
        proposer=auth.name,
        decider=decider,
        basis=basis,
        achievement=up.achievement,
        appraisal=considered,
        copy_to=list(UPWARD_COPY_TO),
        archive_line=f"Lưu: VT, {auth.archive_code}.",
        signer=signer_for(auth, up.signer),
    )


def verify_url(code: str) -> str:
    from flask import current_app, url_for

    base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    try:
        path = url_for("registry.verify", code=code)
    except Exception:  # pragma: no cover - registry not registered
        path = f"/registry/verify/{quote(code)}"
    return f"{base}{path}"


def decision_ref_line(number: int, symbol: str, day: date) -> str:
    """"Quyết định số 05/QĐ-UBND ngày 05/02/2027", as a certificate prints it."""
    return f"Quyết định số {format_doc_number(number, symbol)} ngày {format_short_date(day)}"


def certificate_items(decision: "Decision") -> list[CertificateItem]:
    auth = decision.authority
    signer = signer_block(decision)
    line = (decision_ref_line(decision.number, auth.doc_symbol, decision.decision_date)
            if decision.number and decision.decision_date else "")
    achievement = (decision.achievement_phrase or "").strip()
    if achievement:
        achievement = achievement[0].upper() + achievement[1:].rstrip(".") + "."
    items = []
    for a in decision.awards:
        cert = a.certificate
        if cert is None or a.status != "active":
            continue
        if a.kind == "individual":
            from .vietnamese import gender_title

            name = f"{gender_title(a.gender or 'male')} {a.name}"
            detail = ", ".join(x for x in (a.position_title, a.workplace) if x)
        elif a.kind == "household":
            from .vietnamese import gender_title

            name = f"Hộ {gender_title(a.gender or 'male').lower()} {a.name}"
            detail = address_line(a.address)
        else:
            name, detail = a.name, address_line(a.address)
        items.append(CertificateItem(
            serial=cert.serial, verification_code=cert.verification_code, verify_url=verify_url(cert.verification_code),
            recipient=name, recipient_detail=detail, achievement=achievement, issuer=auth.authority_title,
            form_title=decision.award_form.certificate_title, decision_line=line,
            place_date=place_date_line(auth.place_name, decision.decision_date) if decision.decision_date else "",
            signer_title=tuple(signer.lines), signer_name=signer.name,
        ))
    return items


def minutes_data(cs: "CouncilSession") -> MinutesData:
    from ..services.council import vote_rule

    rule = vote_rule(cs.kind)
    present = [m.full_name for m in cs.members if m.present]
    absent = [m.full_name for m in cs.members if not m.present]
    votes = []
    for item in cs.items:
        n = item.nominee
        form = (n.outcome_form.name if n.outcome_form else n.award_form.name)
        if rule is not None:
            votes.append(VoteRow(name=n.name, form=form, agree=item.yes, disagree=item.no))
        else:
            agree = len(present) if item.agreed else 0
            votes.append(VoteRow(name=n.name, form=form, agree=agree, disagree=len(present) - agree))
    opinions = [f"Ý kiến bằng văn bản của {op.member.full_name}: {op.content}" for op in cs.opinions]
    secretary = next((m.full_name for m in cs.members if m.user_id == cs.created_by_id), "")
    chair = cs.members[0].full_name if cs.members else ""
    return MinutesData(
        members=len(cs.members), present_names=present, absent_names=absent, votes=votes,
        quorum=Fraction(rule.quorum) if rule else Fraction(1, 2),
        threshold=Fraction(rule.threshold) if rule else Fraction(1, 2),
        threshold_over=rule.threshold_base if rule else "present",
        strictly_greater=False if rule else True,
        council_name="Hội đồng Thi đua - Khen thưởng tỉnh" if rule else "Thường trực Hội đồng Thi đua - Khen thưởng tỉnh",
        date=cs.meeting_date, year=cs.meeting_date.year, meeting_time=format_date(cs.meeting_date),
        title_line=cs.title, meeting_place=cs.location or "", chair=chair, secretary=secretary,
        paragraphs=[p for p in [cs.agenda_notes or ""] + opinions if p],
        conclusion=cs.conclusion or "", chair_name=chair, secretary_name=secretary,
    )


# ----------------------------------------------------------------------------- rendering


def _template(session: "Session | None", authority_id: int | None, kind: str) -> bytes | None:
    """The authority's active uploaded template of ``kind``, or None for the built-in one."""
    if session is None or authority_id is None:
        return None
    from ..services.templates import active_template

    return active_template(session, authority_id, kind)


def _render(kind: str, data, template_bytes: bytes | None = None) -> bytes:
    try:
        if kind == "decision":
            from .decision import render_decision as fn
        elif kind == "proposal":
            from .proposal import render_proposal as fn
        elif kind == "minutes":
            from .minutes import render_minutes as fn
        else:
            from .certificates import render_certificates as fn
    except ImportError as exc:  # pragma: no cover - documents are part of the app
        raise RendererMissing(Msg("Chưa có mẫu văn bản để tạo tệp.")) from exc
    return fn(data, template_bytes=template_bytes)


def _session_of(obj) -> "Session | None":
    from sqlalchemy.orm import object_session

    return object_session(obj)


def _authority_id(decision: "Decision") -> int | None:
    return decision.authority_id or (decision.authority.id if decision.authority is not None else None)


def decision_docx(decision: "Decision", session: "Session | None" = None) -> tuple[bytes, str]:
    name = f"quyet-dinh-{decision.number or 'du-thao'}-{decision.year or ''}.docx".replace("-.docx", ".docx")
    tpl = _template(session or _session_of(decision), _authority_id(decision), "decision")
    return _render("decision", decision_data(decision), tpl), name


def proposal_docx(session: "Session", decision: "Decision") -> tuple[bytes, str]:
    tpl = _template(session, _authority_id(decision), "proposal")
    return _render("proposal", proposal_data(decision), tpl), f"to-trinh-quyet-dinh-{decision.id}.docx"


def upward_proposal_docx(session: "Session", up: "UpwardProposal") -> tuple[bytes, str]:
    """The province's tờ trình to the higher level: with its number and date once the văn thư has
    given them, else blank for them to be written by hand."""
    tpl = _template(session, up.authority.id, "proposal")
    number = f"-so-{up.number.number:02d}-{up.number.year}" if up.number else ""
    name = f"to-trinh-de-nghi-cap-tren-ho-so-{up.dossier.id}-{up.award_form.id}{number}.docx"
    return _render("proposal", upward_proposal_data(up), tpl), name


def overlay_docx(session: "Session | None", authority_id: int | None, items: Sequence[CertificateItem],
                 layout: "OverlayLayout | None") -> bytes:
    """Certificates for pre-printed blanks: the authority's overlay template (its active upload or
    the built-in one) with the award form's layout (None: where the template puts the text). The
    clerk's download and the administrator's preview both render here."""
    from .certificates import render_certificates

    tpl = _template(session, authority_id, "certificate_overlay")
    return render_certificates(items, mode="overlay", template_bytes=tpl, layout=layout)


def certificates_docx(decision: "Decision", mode: str = "full", day: date | None = None) -> tuple[bytes, str]:
    """One page per recipient: the full design, or (``overlay``) only the text, placed for
    pre-printed blanks by the award form's layout in force on ``day`` (the day of printing:
    today), else at the positions of the authority's overlay template."""
    from .certificates import render_certificates
    from .docx_render import TemplateError

    items = certificate_items(decision)
    if not items:
        raise RendererMissing(Msg("Quyết định chưa có giấy chứng nhận nào để in."))
    session = _session_of(decision)
    if mode == "overlay":
        from ..services.certificate_layouts import overlay_layout_for, printing_day

        layout = overlay_layout_for(session, decision.award_form_id, day or printing_day()) if session else None
        try:
            data = overlay_docx(session, _authority_id(decision), items, layout)
        except TemplateError as exc:
            raise RendererMissing(Msg("Không tạo được bằng để in lên phôi: %(reason)s. Hãy báo quản trị viên "
                                      "kiểm tra mẫu và vị trí in trên phôi.", reason=exc.args[0])) from exc
    else:
        data = render_certificates(items, template_bytes=_template(session, _authority_id(decision), "certificate"))
    suffix = "-in-phoi" if mode == "overlay" else ""
    return data, f"bang-khen-qd-{decision.number}-{decision.year}{suffix}.docx"


def annex_xlsx(decision: "Decision") -> tuple[bytes, str]:
    """The annex (DANH SÁCH) as a workbook, the same rows as the DOCX annex."""
    from .xlsx import render_annex_xlsx

    name = f"danh-sach-qd-{decision.number or 'du-thao'}-{decision.year or ''}.xlsx".replace("-.xlsx", ".xlsx")
    return render_annex_xlsx(decision_data(decision)), name


def minutes_docx(session: "Session", cs: "CouncilSession") -> tuple[bytes, str]:
    return _render("minutes", minutes_data(cs)), f"bien-ban-phien-hop-{cs.id}.docx"


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(data: bytes, filename: str):
    import io

    from flask import send_file

    resp = send_file(io.BytesIO(data), mimetype=DOCX_MIME, as_attachment=True, download_name=filename)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


__all__ = ["decision_data", "decision_texts", "DecisionTexts", "proposal_data", "upward_proposal_data",
           "minutes_data", "certificate_items", "decision_docx", "proposal_docx", "upward_proposal_docx",
           "certificates_docx", "overlay_docx", "decision_ref_line", "minutes_docx", "docx_response",
           "RendererMissing", "date"]
