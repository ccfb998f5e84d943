"""The user's notifications (list, mark read) and the administrator's jobs page."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from ..authz import role_required
from ..db import db
from ..jobs import JOBS
from ..models import JobStatus, Notification, OutboxMessage, OutboxStatus, Role, utcnow
from ..services import notifications as svc
from . import bp

PAGE_SIZE = 30


@bp.app_context_processor
def _badge():
    def unread_notifications() -> int:
        """Unread count for the navbar badge (one query; the badge template calls it once)."""
        if not current_user.is_authenticated:
            return 0
        preloaded = getattr(current_user, "unread_count", None)  # set by the user loader
        if preloaded is not None:
            return preloaded
        return svc.unread_count(db.session, current_user)

    return {"unread_notifications": unread_notifications}


def _own_or_404(notification_id: int) -> Notification:
    """:raise 404: the notification does not exist or belongs to someone else."""
    n = db.session.get(Notification, notification_id)
    if n is None or n.user_id != current_user.id:
        abort(404)
    return n


def _safe_local(path: str | None) -> str | None:
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return None


@bp.route("/")
@login_required
def index():
    """Thông báo của tôi."""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    only_unread = request.args.get("unread") == "1"
    q = sa.select(Notification).where(Notification.user_id == current_user.id)
    if only_unread:
        q = q.where(Notification.read_dt.is_(None))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(q.subquery())) or 0
    items = db.session.scalars(
        q.order_by(Notification.created_dt.desc(), Notification.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)

    def page_url(n: int) -> str:
        return url_for("notifications.index", page=n, unread="1" if only_unread else None)

    return render_template("notifications/index.html", items=items, page=page, pages=pages, total=total,
                           only_unread=only_unread, page_url=page_url)


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id: int):
    """Đánh dấu một thông báo là đã đọc (và mở nó nếu được yêu cầu)."""
    n = _own_or_404(notification_id)
    svc.mark_read(db.session, n)
    db.session.commit()
    if request.form.get("open") == "1" and _safe_local(n.link):
        return redirect(n.link)  # type: ignore[arg-type]
    return redirect(_safe_local(request.form.get("next")) or url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    """Đánh dấu tất cả là đã đọc."""
    count = svc.mark_all_read(db.session, current_user)
    db.session.commit()
    flash(gettext("Đã đánh dấu %(count)s thông báo là đã đọc.", count=count) if count
          else gettext("Không có thông báo chưa đọc."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/jobs")
@role_required(Role.admin)
def jobs():
    """Các việc định kỳ: lần chạy gần nhất, lần chạy tới, lỗi gần nhất; hàng đợi thư."""
    statuses = {s.job: s for s in db.session.scalars(sa.select(JobStatus))}
    rows = [(spec, statuses.get(spec.name)) for spec in JOBS.values()]
    last_seen = max((s.last_run_dt for s in statuses.values() if s.last_run_dt), default=None)
    now = utcnow()
    scheduler_stale = last_seen is None or (now - last_seen).total_seconds() > 5 * 60
    failed = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.failed.value)
        .order_by(OutboxMessage.id.desc()).limit(20)
    ).all()
    return render_template(
        "notifications/jobs.html", rows=rows, counts=svc.outbox_counts(db.session),
        smtp_configured=bool((current_app.config.get("SMTP_HOST") or "").strip()),
        smtp_host=current_app.config.get("SMTP_HOST"), failed=failed, last_seen=last_seen,
        scheduler_stale=scheduler_stale,
    )


@bp.route("/jobs/requeue-failed", methods=["POST"])
@role_required(Role.admin)
def requeue_failed():
    """Đưa các thư gửi không thành công trở lại hàng đợi."""
    count = svc.requeue_failed(db.session, actor=current_user)
    db.session.commit()
    flash(gettext("Đã đưa %(count)s thư trở lại hàng đợi.", count=count) if count
          else gettext("Không có thư nào gửi không thành công."), "success")
    return redirect(url_for("notifications.jobs"))
