"""Fixtures shared by the admin tests: the demo province, an administrator's client, row counts."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import Authority, AuditEvent, AwardForm, Movement, Round, RuleSet, Signer, User
from tests.factories import load_demo, login, unit


@pytest.fixture
def demo_ids(app):
    """Load the demo province and return ids of one object of each kind (no app context stays open:
    requests must not share the test's context, or Flask-Login's cached user would leak)."""
    with app.app_context():
        load_demo()
        first = lambda model: db.session.scalar(sa.select(model.id).order_by(model.id).limit(1))  # noqa: E731
        return {
            "unit": unit("X-GIAVIEN").id, "user": first(User), "authority": first(Authority), "signer": first(Signer),
            "award_form": first(AwardForm), "rule_set": first(RuleSet), "movement": first(Movement),
            "round": first(Round),
        }


@pytest.fixture
def admin_client(app, demo_ids):
    client = app.test_client()
    assert login(client, "admin").status_code == 302
    return client


@contextmanager
def reading(app):
    """A short app context to look at the database between requests."""
    with app.app_context():
        yield db.session
        db.session.rollback()


def count(app, model, *where) -> int:
    with reading(app) as s:
        return s.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def audit_count(app, action: str) -> int:
    return count(app, AuditEvent, AuditEvent.action == action)


def snapshot(app, model) -> list[tuple]:
    """Every row of ``model`` as tuples of column values, ordered by id: equal before and after = unchanged."""
    with reading(app) as s:
        cols = [c for c in model.__table__.columns]
        return [tuple(r) for r in s.execute(sa.select(*cols).order_by(model.__table__.c.id)).all()]
