"""Jinja filters and globals: Vietnamese number and date formats, local time, the menu per role."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_login import current_user
from flask_babel import gettext
from flask_wtf.csrf import generate_csrf

from .models import ROLE_LABELS, Role


def format_number(n) -> str:
    if n is None:
        return ""
    return f"{int(n):,}".replace(",", ".")


def local_dt(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime(fmt)


def local_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_dt(value, "%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def page_window(current: int, pages: int, radius: int = 3) -> list[int | None]:
    """The page numbers a pager shows: 1, a window of `radius` around `current`, the last page;
    None where pages are skipped. Bounded at 2 * radius + 5 entries whatever `pages` is."""
    current = min(max(current, 1), max(pages, 1))
    window = range(max(1, current - radius), min(pages, current + radius) + 1)
    out: list[int | None] = []
    if window.start > 1:
        out.append(1)
        if window.start > 2:
            out.append(None)
    out.extend(window)
    if window.stop - 1 < pages:
        if window.stop < pages:
            out.append(None)
        out.append(pages)
    return out


def N_(text: str) -> str:
    """Marks a string for extraction into the catalogue; translated where it is shown (_(label))."""
    return text


# (endpoint, label, roles that see it; None = every signed-in user)
UNIT = {Role.unit_clerk.value, Role.unit_head.value}
BOARD = {Role.board_specialist.value, Role.board_lead.value}
COUNCIL = {Role.council_member.value, Role.council_secretary.value}
MENU = [
    ("dashboard.index", N_("Việc cần xử lý"), None),
    ("dossiers.index", N_("Hồ sơ đề nghị"), UNIT | {Role.admin.value}),
    ("review.queue", N_("Thẩm định"), BOARD | {Role.admin.value}),
    ("council.index", N_("Hội đồng"), COUNCIL | BOARD | {Role.admin.value}),
    ("decisions.index", N_("Quyết định"), BOARD | {Role.signer.value, Role.clerk.value, Role.admin.value}),
    ("registry.search", N_("Sổ khen thưởng"), None),
    ("reports.index", N_("Báo cáo"), BOARD | {Role.signer.value, Role.admin.value}),
    ("admin.index", N_("Quản trị"), {Role.admin.value}),
]


def menu_for(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    names = user.role_names()
    items = []
    for endpoint, label, roles in MENU:
        if endpoint not in current_app.view_functions:
            continue
        if roles is None or names & roles:
            items.append((endpoint, label))
    return items


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["vnd"] = format_number
    app.jinja_env.filters["local_dt"] = local_dt
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.globals["role_label"] = lambda r: gettext(ROLE_LABELS.get(Role(r), r))
    app.jinja_env.globals["csrf_token"] = generate_csrf
    app.jinja_env.globals["page_window"] = page_window

    @app.context_processor
    def _menu():
        return {"menu": menu_for(current_user)}
