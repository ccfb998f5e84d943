"""The public comment window (công khai lấy ý kiến) of upward proposals: which lists are posted
now, and the comments the public leaves on them while the window is open.

A dossier's list is posted while it waits in a state the ``close_comment`` transition leaves from
and its ``posting_closes_dt`` (set by the ``start_posting_window`` effect) is still ahead. What is
posted is what the province would propose upward (:func:`upward_recipients`); nothing personal
beyond what an award list publishes (never a citizen ID or a birth date)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.messages import Msg

from ..models import AwardForm, Dossier, Nominee, PublicComment
from ..workflow import get_workflows
from . import audit
from .decisions.upward import upward_recipients

CLOSE_TRANSITION = "close_comment"


class CommentRefused(Exception):
    """The comment cannot be taken (the window has closed, or the nominee is not on the list)."""

    def __init__(self, message: Msg):
        super().__init__(message)
        self.message = message


@dataclass
class PostedList:
    """One dossier's posted list: its nominees per proposed award form."""

    dossier: Dossier
    groups: list[tuple[AwardForm, list[Nominee]]] = field(default_factory=list)

    @property
    def nominees(self) -> list[Nominee]:
        return [n for _, ns in self.groups for n in ns]


def _commenting_states() -> list[tuple[str, str]]:
    """(workflow, state) pairs in which a dossier waits for its comment window to end."""
    pairs = []
    for wf in get_workflows().values():
        t = next((x for x in wf.transitions if x.name == CLOSE_TRANSITION), None)
        if t is not None:
            pairs += [(wf.name, s) for s in t.sources]
    return pairs


def is_open(dossier: Dossier, now: datetime) -> bool:
    """Whether the dossier's list takes comments at ``now``."""
    return (dossier.posting_closes_dt is not None and dossier.posting_closes_dt > now
            and (dossier.workflow, dossier.state) in _commenting_states())


def open_lists(session: Session, *, now: datetime) -> list[PostedList]:
    """The lists whose comment window is open at ``now``, closing soonest first."""
    pairs = _commenting_states()
    if not pairs:
        return []
    dossiers = session.scalars(
        sa.select(Dossier).where(
            Dossier.posting_closes_dt.is_not(None), Dossier.posting_closes_dt > now,
            sa.or_(*[sa.and_(Dossier.workflow == w, Dossier.state == s) for w, s in pairs]),
        ).order_by(Dossier.posting_closes_dt, Dossier.id)
    ).unique().all()
    lists = [PostedList(dossier=d, groups=upward_recipients(d)) for d in dossiers]
    return [pl for pl in lists if pl.groups]


def posted_list(session: Session, dossier_id: int) -> PostedList | None:
    """A dossier's list as posted, whether or not its window is still open; None for a dossier
    that was never posted for comment."""
    d = session.get(Dossier, dossier_id)
    if d is None or d.posting_closes_dt is None:
        return None
    if d.workflow not in {w for w, _ in _commenting_states()}:
        return None
    return PostedList(dossier=d, groups=upward_recipients(d))


def add_comment(session: Session, pl: PostedList, *, nominee_id: int | None, commenter_name: str,
                contact: str | None, body: str, ip: str | None, now: datetime,
                tz: tzinfo = timezone.utc) -> PublicComment:
    """Store one comment from the public and audit it (same transaction; the caller commits).

    ``tz`` is the zone the closing day is told in.

    :raise CommentRefused: the window is not open at ``now``, or ``nominee_id`` is not on the list.
    """
    d = pl.dossier
    if not is_open(d, now):
        closes = d.posting_closes_dt
        raise CommentRefused(Msg(
            "Thời gian lấy ý kiến công khai đối với danh sách này đã kết thúc (ngày %(date)s). "
            "Ý kiến của Quý vị không được ghi nhận.",
            date=f"{closes.astimezone(tz):%d/%m/%Y}" if closes else "",
        ))
    if nominee_id is not None and nominee_id not in {n.id for n in pl.nominees}:
        raise CommentRefused(Msg("Đối tượng được chọn không có trong danh sách lấy ý kiến."))
    comment = PublicComment(dossier_id=d.id, nominee_id=nominee_id, commenter_name=commenter_name,
                            contact=contact or None, body=body, created_dt=now, ip=ip)
    session.add(comment)
    session.flush()
    audit.record(session, "public_comment.create", obj=d,
                 details={"comment_id": comment.id, "nominee_id": nominee_id, "chars": len(body)})
    return comment


def comments_for(session: Session, dossier: Dossier) -> list[PublicComment]:
    """The comments left on a dossier's posted list, oldest first (what the board reads)."""
    return list(session.scalars(
        sa.select(PublicComment).where(PublicComment.dossier_id == dossier.id)
        .order_by(PublicComment.created_dt, PublicComment.id)
    ))


def comment_count(session: Session, dossier_id: int) -> int:
    return session.scalar(
        sa.select(sa.func.count()).select_from(PublicComment).where(PublicComment.dossier_id == dossier_id)
    ) or 0
