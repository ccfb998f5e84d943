from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template
from flask_login import current_user, login_required

from ..access import deciding_scope_clause, unit_in_scope_clause, user_can_see_unit
from ..db import db
from ..models import (
    ROLE_LABELS, CouncilMember, CouncilSession, Dossier, Role, Round, RoundStatus, SessionStatus, Unit, utcnow,
)
from ..workflow import get_workflows
from . import bp


def _waiting_by_role(user) -> list[dict]:
    """For each role of the user: the dossiers in its scope whose current stage that role handles."""
    workflows = get_workflows()
    blocks = []
    for role in sorted(user.role_names(), key=lambda r: list(Role).index(Role(r))):
        pairs = [(wf.name, s.name) for wf in workflows.values() for s in wf.states.values()
                 if s.responsible_role == role and not s.final]
        if not pairs:
            blocks.append({"role": role, "label": ROLE_LABELS[Role(role)], "rows": [], "total": 0})
            continue
        cond = sa.or_(*[sa.and_(Dossier.workflow == w, Dossier.state == s) for w, s in pairs])
        rows = db.session.execute(
            sa.select(Dossier.workflow, Dossier.state, sa.func.count(), sa.func.sum(sa.cast(Dossier.overdue, sa.Integer)))
            .where(cond, unit_in_scope_clause(Dossier.unit_id, user, {role}), deciding_scope_clause(user, {role}))
            .group_by(Dossier.workflow, Dossier.state)
        ).all()
        out = [{"workflow": workflows[w].label, "state": workflows[w].state(s).label, "count": c, "overdue": o or 0}
               for w, s, c, o in rows]
        blocks.append({"role": role, "label": ROLE_LABELS[Role(role)], "rows": out,
                       "total": sum(r["count"] for r in out)})
    return blocks


# Who may open a council session's page (as awards/council/routes.VIEW_ROLES).
COUNCIL_VIEW_ROLES = (Role.council_secretary, Role.council_member, Role.board_lead, Role.board_specialist,
                      Role.signer, Role.admin)


def _my_open_sessions(user) -> list[dict]:
    """Open council sessions the user sits on (linked as a member), and whether they may open its page."""
    sessions = db.session.scalars(
        sa.select(CouncilSession).join(CouncilMember, CouncilMember.session_id == CouncilSession.id)
        .where(CouncilMember.user_id == user.id, CouncilSession.status == SessionStatus.open.value)
        .order_by(CouncilSession.meeting_date, CouncilSession.id).distinct()
    ).all()
    may_view = any(user.has_role(r) for r in COUNCIL_VIEW_ROLES)
    return [{"session": cs, "link": may_view and user_can_see_unit(user, db.session.get(Unit, cs.unit_id))} for cs in sessions]


@bp.route("/")
@login_required
def index():
    """Việc cần xử lý: trang chính theo vai trò."""
    open_rounds = []
    if current_user.has_role(Role.unit_clerk) or current_user.has_role(Role.unit_head):
        now = utcnow()
        open_rounds = db.session.scalars(
            sa.select(Round).where(Round.status == RoundStatus.open.value, Round.closes_dt > now)
            .order_by(Round.closes_dt)
        ).all()
    return render_template("dashboard/index.html", blocks=_waiting_by_role(current_user),
                           open_rounds=open_rounds, sessions=_my_open_sessions(current_user), now=utcnow())


@bp.route("/favicon.ico")
def favicon():
    """The icon for clients that ask for /favicon.ico itself (pages link the static file)."""
    return current_app.send_static_file("favicon.ico")


@bp.route("/healthz")
def health():
    """Liveness for a load balancer: the process answers (no database work)."""
    return {"status": "ok"}


@bp.route("/readyz")
def ready():
    """Readiness: the database answers."""
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}
