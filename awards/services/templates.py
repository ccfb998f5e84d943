"""Word templates edited by the offices themselves (issue #6).

An upload is content-checked (a real .docx, at most 5 MB), validated against the kind's
placeholders (``documents.docx_render.validate_template``: unknown placeholders, broken tags, a
trial render) and stored *inactive*; the office downloads a preview rendered with sample data
through the same render function, then activates it. ``active_template`` is what renderers use:
the authority's active upload, or None for the built-in template. Every change is audited; the
caller commits."""
from __future__ import annotations

import dataclasses
import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.messages import Msg, message_of

from ..documents.docx_render import TEMPLATE_SPECS, TemplateError, load_template, validate_template
from ..models import Authority, DocumentTemplate, User, utcnow
from ..models.templates import TEMPLATE_KINDS
from . import audit
from .uploads import UploadRejected, check_upload

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


class TemplateRejected(ValueError):
    """The uploaded template cannot be used; ``messages`` are every Vietnamese reason (Msg where
    the checks built one: translated where they are shown)."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__(Msg.joined(self.messages))


def kind_label(kind: str) -> str:
    return TEMPLATE_SPECS[kind].label


def _check_kind(kind: str) -> None:
    if kind not in TEMPLATE_KINDS:
        raise TemplateRejected([Msg("Loại mẫu «%(kind)s» không tồn tại.", kind=kind)])


def active_template(session: Session, authority_id: int, kind: str) -> bytes | None:
    """The bytes of the authority's active template of ``kind``; None means the built-in one."""
    return session.scalar(
        sa.select(DocumentTemplate.data).where(
            DocumentTemplate.authority_id == authority_id,
            DocumentTemplate.kind == kind,
            DocumentTemplate.active.is_(True),
        )
    )


def active_record(session: Session, authority_id: int, kind: str) -> DocumentTemplate | None:
    return session.scalar(
        sa.select(DocumentTemplate).where(
            DocumentTemplate.authority_id == authority_id,
            DocumentTemplate.kind == kind,
            DocumentTemplate.active.is_(True),
        )
    )


def current_template(session: Session, authority_id: int, kind: str) -> tuple[bytes, bool]:
    """(bytes, uploaded?) of the template in use: the active upload, else the built-in file."""
    _check_kind(kind)
    data = active_template(session, authority_id, kind)
    if data is not None:
        return data, True
    return load_template(kind), False


def check_template(kind: str, data: bytes, filename: str | None) -> str:
    """Every reason ``data`` cannot serve as a ``kind`` template (TemplateRejected); else the clean
    file name to store."""
    _check_kind(kind)
    try:
        checked = check_upload(data, filename, max_bytes=MAX_TEMPLATE_BYTES, only=("docx",))
    except UploadRejected as exc:
        raise TemplateRejected([message_of(exc)]) from None
    errors = validate_template(kind, data)
    if errors:
        raise TemplateRejected(errors)
    return checked.filename


def upload_template(
    session: Session, *, actor: User, authority: Authority, kind: str, filename: str | None, data: bytes
) -> DocumentTemplate:
    """Validate and store an uploaded template, inactive. Nothing is added on error."""
    clean_name = check_template(kind, data, filename)
    tmpl = DocumentTemplate(
        authority_id=authority.id,
        kind=kind,
        filename=clean_name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by_id=actor.id if actor is not None else None,
        uploaded_dt=utcnow(),
        active=False,
    )
    session.add(tmpl)
    session.flush()
    audit.record(
        session, "doc_template.upload", actor=actor, obj=tmpl, unit_id=authority.unit_id,
        details={"authority_id": authority.id, "kind": kind, "filename": clean_name, "size": len(data),
                 "sha256": tmpl.sha256},
    )
    session.flush()
    return tmpl


def activate_template(session: Session, tmpl: DocumentTemplate, *, actor: User) -> DocumentTemplate:
    """Make ``tmpl`` the authority's template of its kind (the previous active one is retired).

    The file is validated again: the placeholders of a kind may have changed since the upload."""
    if tmpl.active:
        return tmpl
    check_template(tmpl.kind, tmpl.data, tmpl.filename)
    previous = active_record(session, tmpl.authority_id, tmpl.kind)
    if previous is not None:
        previous.active = False
        session.flush()  # the partial unique index allows one active row at a time
    tmpl.active = True
    tmpl.activated_dt = utcnow()
    audit.record(
        session, "doc_template.activate", actor=actor, obj=tmpl, unit_id=tmpl.authority.unit_id,
        old_state="inactive", new_state="active",
        details={"authority_id": tmpl.authority_id, "kind": tmpl.kind, "filename": tmpl.filename,
                 "replaced_id": previous.id if previous is not None else None},
    )
    session.flush()
    return tmpl


def deactivate_template(
    session: Session, *, actor: User, authority: Authority, kind: str
) -> DocumentTemplate | None:
    """Go back to the built-in template of ``kind``; returns the template retired (None if none was)."""
    _check_kind(kind)
    current = active_record(session, authority.id, kind)
    if current is None:
        return None
    current.active = False
    audit.record(
        session, "doc_template.deactivate", actor=actor, obj=current, unit_id=authority.unit_id,
        old_state="active", new_state="inactive",
        details={"authority_id": authority.id, "kind": kind, "filename": current.filename},
    )
    session.flush()
    return current


def _sample_for(authority: Authority, kind: str):
    """Sample data of ``kind``; a decision carries the authority's own header, place and symbol."""
    from ..documents import samples

    if kind == "decision":
        data = samples.sample_decision_data(2, 3, 2, samples.SAMPLE_DATE)
        return dataclasses.replace(
            data,
            authority_lines=authority.header_lines or data.authority_lines,
            authority_parent=[authority.header_parent] if authority.header_parent else [],
            place=authority.place_name or data.place,
            symbol=authority.doc_symbol or data.symbol,
            issuer_title=authority.authority_title or data.issuer_title,
            issuer_short=authority.name or data.issuer_short,
        )
    if kind == "proposal":
        return samples.sample_proposal_data("board", date=samples.SAMPLE_DATE)
    if kind == "minutes":
        return samples.sample_minutes_data(4, samples.SAMPLE_DATE)
    return samples.sample_certificates(2)


def preview(session: Session, authority: Authority, kind: str, data: bytes) -> bytes:
    """``data`` rendered as a ``kind`` template with sample data, through the same render function a
    real download uses. Raises TemplateRejected when the template cannot render."""
    _check_kind(kind)
    sample = _sample_for(authority, kind)
    try:
        if kind == "decision":
            from ..documents.decision import render_decision

            return render_decision(sample, template_bytes=data)
        if kind == "proposal":
            from ..documents.proposal import render_proposal

            return render_proposal(sample, template_bytes=data)
        if kind == "minutes":
            from ..documents.minutes import render_minutes

            return render_minutes(sample, template_bytes=data)
        from ..documents.certificates import render_certificates

        mode = "overlay" if kind == "certificate_overlay" else "full"
        return render_certificates(sample, mode=mode, template_bytes=data)
    except TemplateError as exc:
        raise TemplateRejected([message_of(exc)]) from None
