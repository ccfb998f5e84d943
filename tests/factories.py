"""Builders for test data (CTFd's gen_* style) on top of the demo province."""
from __future__ import annotations

from datetime import date  # noqa: F401  (re-exported for tests)
from typing import Any

import sqlalchemy as sa

from awards.db import db
from awards.demo import DEMO_PASSWORD, seed_demo
from awards.models import (
    User,
    Attachment, AwardForm, Dossier, Nominee, RecipientKind, Round, Unit, User,
)
from awards.documents import vietnamese as vn


def load_demo(today: date | None = None) -> None:
    seed_demo(db.session, today=today)
    db.session.commit()


def unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def form(code: str) -> AwardForm:
    return db.session.scalar(sa.select(AwardForm).where(AwardForm.code == code))


def demo_round() -> Round:
    return db.session.scalar(sa.select(Round).order_by(Round.id).limit(1))


def make_dossier(unit_code: str = "X-GIAVIEN", form_code: str = "BK-TINH", *, state: str = "draft",
                 nominees: int = 0, complete: bool = False, **kw: Any) -> Dossier:
    f = form(form_code)
    d = Dossier(round=demo_round(), unit=unit(unit_code), award_form=f, workflow=f.workflow, state=state,
                title=kw.pop("title", f"Hồ sơ đề nghị {f.name}"), **kw)
    db.session.add(d)
    for i in range(nominees):
        add_nominee(d, name=f"Nguyễn Văn Thử {i + 1}")
    if complete:
        for kind in ("proposal", "minutes"):
            d.attachments.append(Attachment(kind=kind, filename=f"{kind}.pdf", content_type="application/pdf",
                                            size=9, sha256="0" * 64, data=b"%PDF-1.4\n"))
    db.session.flush()
    return d


def add_nominee(d: Dossier, *, kind: str = RecipientKind.individual.value, name: str = "Nguyễn Văn An",
                **kw: Any) -> Nominee:
    defaults: dict[str, Any] = {"achievements": "Có nhiều đóng góp cho phong trào."}
    if kind == RecipientKind.individual.value:
        defaults.update(gender="male", birth_year=1980, position_title="Trưởng thôn", workplace="Xã Gia Viễn")
    if kind == RecipientKind.household.value:
        defaults.update(gender="female", address="Thôn Tập Ninh, xã Gia Viễn", contribution_value=50_000_000)
    defaults.update(kw)
    n = Nominee(kind=kind, name=name, canonical_name=vn.canonical_name(name), name_key=vn.fold(name),
                award_form=d.award_form, position=len(d.nominees), **defaults)
    d.nominees.append(n)
    db.session.flush()
    return n


def login(client, username: str, password: str = DEMO_PASSWORD):
    return client.post("/auth/login", data={"username": username, "password": password})


def signed_in(app, username: str, lang: str | None = None):
    """A new test client signed in as ``username``, in ``lang`` ("vi"/"en") when given."""
    c = app.test_client()
    if lang:
        c.post("/auth/language/" + lang, data={"next": "/auth/login"})
    assert login(c, username).status_code == 302
    return c


def demo_app_on_sqlite_file(path):
    """An app on its own SQLite file holding the demo province, for tests whose worker processes
    open the same file. Returns (app, url)."""
    from awards import create_app
    from awards.db import Base
    from config import TestConfig

    url = f"sqlite:///{path}"
    cfg = TestConfig()
    cfg.DATABASE_URL = url
    app = create_app(cfg)
    with app.app_context():
        Base.metadata.create_all(db.engine)
        load_demo()
    return app, url
