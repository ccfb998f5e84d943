"""Council sessions: agenda, attendance, written opinions, votes, closing, minutes."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..access import unit_in_scope_clause, user_can_see_unit
from ..authz import role_required
from ..db import db
from ..i18n import tr
from ..models import (
    AgendaItem, SESSION_KIND_LABELS, CouncilMember, CouncilSession, Role, SessionKind, Unit, User, VoteChoice, utcnow,
)
from ..models.council import VOTE_CHOICE_LABELS
from ..services import council as svc
from ..services.transitions import STALE_MESSAGE, StaleDossier
from . import bp
from .forms import choices, CloseForm, OpinionForm, SessionForm, TallyForm, VersionForm

VIEW_ROLES = (Role.council_secretary, Role.council_member, Role.board_lead, Role.board_specialist, Role.signer,
              Role.admin)


def _load(session_id: int) -> CouncilSession:
    """:raise 404: no such session, or outside the user's scope."""
    cs = db.session.get(CouncilSession, session_id)
    if cs is None or not user_can_see_unit(current_user, db.session.get(Unit, cs.unit_id)):
        abort(404)
    return cs


def _can_edit(cs: CouncilSession) -> bool:
    unit = db.session.get(Unit, cs.unit_id)
    return Role.council_secretary.value in current_user.roles_covering(unit) or current_user.is_admin


def _member_line(name: str, position: str | None, standing: bool) -> str:
    return f"{name} | {position or ''}{' | TT' if standing else ''}"


def _default_members(kind: str) -> str:
    """The members to start from: those of the latest session in the secretary's scope (for a
    standing session, its standing members); without any session yet, the council's user accounts
    (for a standing session, only those who sit on the standing committee)."""
    in_scope = unit_in_scope_clause(CouncilSession.unit_id, current_user, {Role.council_secretary.value})
    latest = sa.select(CouncilSession).where(in_scope).order_by(
        CouncilSession.meeting_date.desc(), CouncilSession.id.desc()).limit(1)
    if kind == SessionKind.standing.value:
        last = db.session.scalars(latest).first()
        if last is not None:
            members = [m for m in last.members if m.is_standing] or (
                last.members if last.kind == SessionKind.standing.value else [])
            if members:
                return "\n".join(_member_line(m.full_name, m.position_title, True) for m in members)
    else:
        last = db.session.scalars(latest.where(CouncilSession.kind == SessionKind.council.value)).first()
        if last is not None and last.members:
            return "\n".join(_member_line(m.full_name, m.position_title, m.is_standing) for m in last.members)
    users = db.session.scalars(
        sa.select(User).where(User.active.is_(True)).order_by(User.id)
    ).all()
    lines = []
    for u in users:
        names = u.role_names()
        if names & {Role.council_member.value, Role.council_secretary.value} or (
            Role.signer.value in names and u.unit.parent_id is None
        ):
            standing = bool(names & {Role.council_secretary.value, Role.signer.value})
            if standing or kind != SessionKind.standing.value:
                lines.append(_member_line(u.full_name, u.position, standing))
    return "\n".join(lines)


def _parse_members(text: str) -> list[svc.MemberSpec]:
    by_name = {u.full_name: u.id for u in db.session.scalars(sa.select(User)).all()}
    out = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not parts or not parts[0]:
            continue
        standing = len(parts) > 2 and parts[2].upper() == "TT"
        out.append(svc.MemberSpec(full_name=parts[0][:120], position_title=(parts[1][:255] if len(parts) > 1 else None)
                                  or None, is_standing=standing, user_id=by_name.get(parts[0])))
    return out


@bp.route("/")
@role_required(*VIEW_ROLES)
def index():
    """Các phiên họp Hội đồng Thi đua - Khen thưởng."""
    sessions = db.session.scalars(
        sa.select(CouncilSession).where(unit_in_scope_clause(CouncilSession.unit_id, current_user))
        .order_by(CouncilSession.meeting_date.desc(), CouncilSession.id.desc())
    ).all()
    waiting = {k.value: len(svc.agenda_candidates(db.session, current_user, k.value)) for k in SessionKind}
    return render_template("council/index.html", sessions=sessions, waiting=waiting,
                           can_create=current_user.has_role(Role.council_secretary))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.council_secretary)
def new():
    """Lập phiên họp: chương trình gồm các đối tượng đã thẩm định đang chờ Hội đồng."""
    form = SessionForm()
    # The kind comes from the form on a POST (the page's own choice), from the address on a GET.
    raw = request.form.get("kind") if request.method == "POST" else request.args.get("kind")
    kind = raw if raw in SessionKind.values() else SessionKind.council.value
    form.kind.data = kind
    if request.method == "GET":
        form.title.data = ("Phiên họp Hội đồng Thi đua - Khen thưởng tỉnh xét đề nghị khen thưởng cấp trên"
                           if kind == "council" else "Phiên họp Thường trực Hội đồng xét Bằng khen của Chủ tịch UBND tỉnh")
        form.meeting_date.data = utcnow().date()
        form.members.data = _default_members(kind)
    candidates = svc.agenda_candidates(db.session, current_user, kind)
    if form.validate_on_submit():
        chosen = set(int(x) for x in request.form.getlist("dossier") if x.isdigit())
        dossiers = [d for d in candidates if d.id in chosen]
        scope = current_user.scopes(Role.council_secretary)[0]
        try:
            cs = svc.create_session(db.session, actor=current_user, kind=form.kind.data, unit=scope,
                                    title=form.title.data, meeting_date=form.meeting_date.data,
                                    members=_parse_members(form.members.data), dossiers=dossiers,
                                    location=form.location.data, agenda_notes=form.agenda_notes.data)
        except svc.CouncilError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã lập phiên họp."), "success")
            return redirect(url_for("council.detail", session_id=cs.id))
    return render_template("council/new.html", form=form, kind=kind, candidates=candidates, considered=svc.considered,
                           kinds=[(k.value, SESSION_KIND_LABELS[k]) for k in SessionKind])


@bp.route("/<int:session_id>")
@role_required(*VIEW_ROLES)
def detail(session_id: int):
    """Phiên họp: thành viên, điểm danh, ý kiến bằng văn bản, biểu quyết, kết luận."""
    cs = _load(session_id)
    rule = svc.vote_rule(cs.kind)
    results = {i.id: svc.item_result(cs, i) for i in cs.items}
    quorum = None
    if rule is not None:
        from workflows.engine import VoteTally, tally

        quorum = tally(rule, VoteTally(members=len(cs.members), present=cs.present_count, yes=0))
    absent = [m for m in cs.members if not m.present]
    op_form = OpinionForm()
    op_form.member_id.choices = choices([(m.id, m.full_name) for m in absent])
    return render_template(
        "council/detail.html", cs=cs, rule=rule, results=results, quorum=quorum, can_edit=_can_edit(cs) and cs.is_open,
        op_form=op_form, absent=absent, choices=VOTE_CHOICE_LABELS,
        standing_problem=svc.standing_quorum_problem(cs) if cs.kind == SessionKind.standing.value else None,
    )


def _done(cs: CouncilSession, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("council.detail", session_id=cs.id))


def _failed(cs: CouncilSession, exc: Exception):
    db.session.rollback()
    flash(tr(exc) if not isinstance(exc, StaleDossier) else tr(STALE_MESSAGE),
          "warning" if isinstance(exc, (svc.StaleSession, StaleDossier)) else "danger")
    return redirect(url_for("council.detail", session_id=cs.id))


def _editable(session_id: int) -> CouncilSession:
    cs = _load(session_id)
    if not _can_edit(cs):
        abort(403)
    return cs


@bp.route("/<int:session_id>/attendance", methods=["POST"])
@role_required(Role.council_secretary, Role.admin)
def attendance(session_id: int):
    """Điểm danh thành viên dự họp."""
    cs = _editable(session_id)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    present = {int(x) for x in request.form.getlist("present") if x.isdigit()}
    try:
        svc.set_attendance(db.session, cs, actor=current_user, present_ids=present, expected_version=form.version.data)
    except svc.CouncilError as exc:
        return _failed(cs, exc)
    return _done(cs, gettext("Đã ghi điểm danh: %(present)s/%(members)s thành viên có mặt.",
                             present=cs.present_count, members=len(cs.members)))


@bp.route("/<int:session_id>/opinions", methods=["POST"])
@role_required(Role.council_secretary, Role.admin)
def opinion(session_id: int):
    """Ghi ý kiến bằng văn bản của thành viên vắng mặt."""
    cs = _editable(session_id)
    form = OpinionForm()
    form.member_id.choices = choices([(m.id, m.full_name) for m in cs.members])
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errs in form.errors.values() for e in errs), "danger")
        return redirect(url_for("council.detail", session_id=cs.id))
    member = db.session.get(CouncilMember, form.member_id.data)
    if member is None or member.session_id != cs.id:
        abort(404)
    agrees = {"yes": True, "no": False}.get(form.agrees.data)
    try:
        svc.add_written_opinion(db.session, cs, actor=current_user, member=member, content=form.content.data,
                                agrees=agrees, expected_version=form.version.data)
    except svc.CouncilError as exc:
        return _failed(cs, exc)
    return _done(cs, gettext("Đã ghi ý kiến của %(name)s.", name=member.full_name))


def _item(cs: CouncilSession, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.session_id != cs.id:
        abort(404)
    return item


@bp.route("/<int:session_id>/tally", methods=["POST"])
@role_required(Role.council_secretary, Role.admin)
def record_tally(session_id: int):
    """Ghi kết quả kiểm phiếu (bỏ phiếu kín) cho một đối tượng."""
    cs = _editable(session_id)
    form = TallyForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errs in form.errors.values() for e in errs), "danger")
        return redirect(url_for("council.detail", session_id=cs.id))
    item = _item(cs, form.item_id.data)
    try:
        result = svc.record_tally(db.session, cs, item, actor=current_user, yes=form.yes.data, no=form.no.data,
                                  abstain=form.abstain.data or 0, expected_version=form.version.data)
    except svc.CouncilError as exc:
        return _failed(cs, exc)
    if result.passed:
        message = gettext("«%(name)s»: %(yes)s phiếu tán thành, đạt (cần %(required)s).",
                          name=item.nominee.name, yes=form.yes.data, required=result.required_yes)
    else:
        message = gettext("«%(name)s»: %(yes)s phiếu tán thành, không đạt (cần %(required)s).",
                          name=item.nominee.name, yes=form.yes.data, required=result.required_yes)
    return _done(cs, message)


@bp.route("/<int:session_id>/votes/<int:item_id>", methods=["POST"])
@role_required(Role.council_secretary, Role.admin)
def open_votes(session_id: int, item_id: int):
    """Ghi biểu quyết công khai của từng thành viên có mặt."""
    cs = _editable(session_id)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    item = _item(cs, item_id)
    choices = {}
    for m in cs.members:
        value = request.form.get(f"m{m.id}")
        if value in VoteChoice.values():
            choices[m.id] = value
    try:
        svc.record_open_votes(db.session, cs, item, actor=current_user, choices=choices,
                              expected_version=form.version.data)
    except svc.CouncilError as exc:
        return _failed(cs, exc)
    return _done(cs, gettext("Đã ghi biểu quyết đối với «%(name)s».", name=item.nominee.name))


@bp.route("/<int:session_id>/standing/<int:item_id>", methods=["POST"])
@role_required(Role.council_secretary, Role.admin)
def standing(session_id: int, item_id: int):
    """Ghi ý kiến thống nhất / không thống nhất của Thường trực Hội đồng."""
    cs = _editable(session_id)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    item = _item(cs, item_id)
    agreed = request.form.get("agreed") == "yes"
    try:
        svc.record_standing(db.session, cs, item, actor=current_user, agreed=agreed, expected_version=form.version.data)
    except svc.CouncilError as exc:
        return _failed(cs, exc)
    if agreed:
        return _done(cs, gettext("«%(name)s»: thống nhất.", name=item.nominee.name))
    return _done(cs, gettext("«%(name)s»: không thống nhất.", name=item.nominee.name))


@bp.route("/<int:session_id>/close", methods=["POST"])
@role_required(Role.council_secretary, Role.admin)
def close(session_id: int):
    """Kết thúc phiên họp: kết quả chuyển vào quy trình của từng hồ sơ."""
    cs = _editable(session_id)
    form = CloseForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        out = svc.close_session(db.session, cs, actor=current_user, conclusion=form.conclusion.data,
                                expected_version=form.version.data)
    except (svc.CouncilError, StaleDossier) as exc:
        return _failed(cs, exc)
    return _done(cs, gettext("Đã kết thúc phiên họp; %(count)s hồ sơ đã được chuyển bước.", count=len(out)))


@bp.route("/<int:session_id>/minutes.docx")
@role_required(*VIEW_ROLES)
def minutes(session_id: int):
    """Biên bản phiên họp (DOCX)."""
    cs = _load(session_id)
    from ..documents import context

    try:
        data, filename = context.minutes_docx(db.session, cs)
    except context.RendererMissing as exc:
        flash(tr(exc), "warning")
        return redirect(url_for("council.detail", session_id=cs.id))
    return context.docx_response(data, filename)
