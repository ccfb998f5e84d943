"""The award register (sổ theo dõi khen thưởng): search, recipient history, certificate verification.

Read-only queries. Only awards of issued (or later revoked) decisions are register entries.

Name search folds Vietnamese (đ, ơ, ư and every tone mark) so that "nguyen van an" finds
"Nguyễn Văn An":

- PostgreSQL: ``lower(immutable_unaccent(award.name)) LIKE '%q%'`` served by a GIN trigram index
  (``install_search_support`` creates the extensions, the IMMUTABLE wrapper and the index);
- SQLite: ``award.name_key LIKE '%fold(q)%'`` on the stored folded key.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, contains_eager, joinedload

from workflows.messages import Msg

from ..access import unit_in_scope_clause
from ..documents.vietnamese import canonical_name, fold, format_doc_number
from ..models import (
    Award, AwardForm, AwardStatus, Certificate, Decision, DecisionState, Movement, RecipientKind, Round, Unit,
    User,
)

#: Decision states whose awards are register entries.
REGISTER_STATES = (DecisionState.issued.value, DecisionState.revoked.value)
PER_PAGE = 50
SEARCH_FUNCTION = "immutable_unaccent"
TRGM_INDEX = "ix_award_name_folded_trgm"
_CITIZEN_ID = re.compile(r"^\d{12}$")


# --------------------------------------------------------------------------- PostgreSQL DDL


def install_search_support(connection: Connection) -> None:
    """PostgreSQL only, idempotent: unaccent + pg_trgm, an IMMUTABLE unaccent wrapper and a GIN
    trigram index on ``lower(immutable_unaccent(award.name))``.

    ``unaccent()`` is STABLE (it reads a dictionary named through search_path), so it cannot appear
    in an index expression; the wrapper names the dictionary with its schema and is declared
    IMMUTABLE. ``lower`` is applied after unaccent so that it only sees ASCII, whatever the
    database's LC_CTYPE. Meant for a migration (``op.get_bind()``) or a test after create_all.
    """
    if connection.dialect.name != "postgresql":
        return
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema = connection.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'unaccent'"
    ).scalar_one()
    quoted = connection.dialect.identifier_preparer.quote_identifier(schema)
    connection.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION {SEARCH_FUNCTION}(text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
        f"AS $$ SELECT {quoted}.unaccent('{quoted}.unaccent'::regdictionary, $1) $$"
    )
    trgm_schema = connection.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    ).scalar_one()
    ops = f"{connection.dialect.identifier_preparer.quote_identifier(trgm_schema)}.gin_trgm_ops"
    connection.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON award "
        f"USING gin (lower({SEARCH_FUNCTION}(name)) {ops})"
    )


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def name_condition(session: Session, query: str):
    """The WHERE clause for a name search (folded, substring)."""
    pattern = _like_pattern(fold(query))
    if session.get_bind().dialect.name == "postgresql":
        folded = sa.func.lower(getattr(sa.func, SEARCH_FUNCTION)(Award.name))
        return folded.like(pattern, escape="\\")
    return Award.name_key.like(pattern, escape="\\")


# --------------------------------------------------------------------------- register search


@dataclass
class RegisterFilters:
    q: str = ""
    citizen_id: str = ""
    unit_id: int | None = None
    award_form_id: int | None = None
    year: int | None = None
    movement_id: int | None = None
    kind: str = ""
    status: str = ""


@dataclass
class Page:
    items: Sequence[Award]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _register_select(user: User | None):
    stmt = sa.select(Award).join(Award.decision).where(Decision.state.in_(REGISTER_STATES))
    if user is not None:
        stmt = stmt.where(unit_in_scope_clause(Award.unit_id, user))
    return stmt


def _apply_filters(session: Session, stmt, f: RegisterFilters):
    if f.q.strip():
        stmt = stmt.where(name_condition(session, f.q))
    if f.citizen_id.strip():
        stmt = stmt.where(Award.citizen_id == f.citizen_id.strip())
    if f.unit_id:
        stmt = stmt.where(Award.unit_id == f.unit_id)
    if f.award_form_id:
        stmt = stmt.where(Decision.award_form_id == f.award_form_id)
    if f.year:
        stmt = stmt.where(Decision.year == f.year)
    if f.movement_id:
        stmt = stmt.where(Decision.round_id.in_(sa.select(Round.id).where(Round.movement_id == f.movement_id)))
    if f.kind:
        stmt = stmt.where(Award.kind == f.kind)
    if f.status == AwardStatus.active.value:
        stmt = stmt.where(Award.status == AwardStatus.active.value, Decision.state == DecisionState.issued.value)
    elif f.status == AwardStatus.revoked.value:
        stmt = stmt.where(sa.or_(Award.status == AwardStatus.revoked.value,
                                 Decision.state == DecisionState.revoked.value))
    return stmt


def search_register(session: Session, user: User, filters: RegisterFilters, *, page: int = 1,
                    per_page: int = PER_PAGE) -> Page:
    """One page of register entries in the user's scope, newest decisions first. Two queries
    (count, rows with decision, authority, form, unit, round, movement and certificate)."""
    base = _apply_filters(session, _register_select(user), filters)
    total = session.scalar(sa.select(sa.func.count()).select_from(base.order_by(None).subquery())) or 0
    page = max(1, page)
    rows = session.scalars(
        base.options(
            contains_eager(Award.decision).joinedload(Decision.round),
            joinedload(Award.certificate),
        )
        .order_by(Decision.decision_date.desc(), Decision.id.desc(), Award.position, Award.id)
        .limit(per_page).offset((page - 1) * per_page)
    ).unique().all()
    return Page(items=rows, total=total, page=page, per_page=per_page)


@dataclass
class FilterChoices:
    units: list[tuple[int, str]] = field(default_factory=list)
    forms: list[tuple[int, str]] = field(default_factory=list)
    movements: list[tuple[int, str]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def filter_choices(session: Session, user: User) -> FilterChoices:
    """Options for the register's filters: units in scope, forms, movements, decision years."""
    units = session.execute(
        sa.select(Unit.id, Unit.name).where(unit_in_scope_clause(Unit.id, user)).order_by(Unit.path)
    ).all()
    forms = session.execute(sa.select(AwardForm.id, AwardForm.name).order_by(AwardForm.rank.desc())).all()
    movements = session.execute(sa.select(Movement.id, Movement.name, Movement.period_label)
                                .order_by(Movement.start_year.desc())).all()
    years = session.scalars(
        sa.select(Decision.year).where(Decision.state.in_(REGISTER_STATES), Decision.year.is_not(None))
        .distinct().order_by(Decision.year.desc())
    ).all()
    return FilterChoices(
        units=[(i, n) for i, n in units], forms=[(i, n) for i, n in forms],
        movements=[(i, f"{n} {p or ''}".strip()) for i, n, p in movements], years=list(years),
    )


# --------------------------------------------------------------------------- recipients


def effective_status(award: Award) -> str:
    """'revoked' when the award or its decision is revoked, else 'active'."""
    if award.status == AwardStatus.revoked.value or award.decision.state == DecisionState.revoked.value:
        return AwardStatus.revoked.value
    return AwardStatus.active.value


def revoked_at(award: Award) -> datetime | None:
    """When the award was revoked, if recorded (aware UTC; show it with ``local_date``)."""
    return award.revoked_dt if effective_status(award) == AwardStatus.revoked.value else None


@dataclass
class RecipientIdentity:
    """How a recipient is recognised across decisions."""

    kind: str
    name: str
    canonical_name: str
    citizen_id: str | None = None
    birth_year: int | None = None
    unit_id: int | None = None
    unit_name: str | None = None

    @property
    def basis(self) -> str:
        if self.kind == RecipientKind.individual.value:
            if self.citizen_id:
                return Msg("Số định danh cá nhân (và họ tên, năm sinh với các bản ghi chưa có số định danh)")
            return Msg("Họ tên và năm sinh")
        return Msg("Tên và đơn vị")


def get_register_entry(session: Session, user: User, award_id: int) -> Award | None:
    """One register entry in the user's scope (None when missing, not issued, or out of scope)."""
    stmt = _register_select(user).where(Award.id == award_id).options(contains_eager(Award.decision))
    return session.scalars(stmt).first()


def identity_of(award: Award) -> RecipientIdentity:
    return RecipientIdentity(
        kind=award.kind, name=award.name, canonical_name=award.canonical_name or canonical_name(award.name),
        citizen_id=award.citizen_id, birth_year=award.birth_year, unit_id=award.unit_id,
        unit_name=award.unit.name if award.unit is not None else None,
    )


def _identity_condition(identity: RecipientIdentity):
    if identity.kind == RecipientKind.individual.value:
        by_name = sa.and_(Award.kind == identity.kind, Award.canonical_name == identity.canonical_name,
                          Award.birth_year == identity.birth_year)
        if identity.citizen_id:
            return sa.or_(Award.citizen_id == identity.citizen_id, sa.and_(Award.citizen_id.is_(None), by_name))
        return by_name
    return sa.and_(Award.kind == identity.kind, Award.canonical_name == identity.canonical_name,
                   Award.unit_id == identity.unit_id)


def _with_decisions(stmt):
    return stmt.options(
        contains_eager(Award.decision).joinedload(Decision.round),
        joinedload(Award.certificate),
    ).order_by(Decision.decision_date.desc(), Decision.id.desc())


def recipient_awards(session: Session, user: User, identity: RecipientIdentity) -> list[Award]:
    """Every register entry of one recipient in the user's scope, across movements and years."""
    stmt = _register_select(user).where(_identity_condition(identity))
    return list(session.scalars(_with_decisions(stmt)).unique().all())


def earlier_awards(session: Session, *, citizen_id: str | None = None, name_key: str | None = None,
                   birth_year: int | None = None) -> list[Award]:
    """Register entries (issued or revoked decisions) that may be the same recipient, newest first,
    for the appraisal page: the same citizen ID, or the same folded name (and birth year when
    given). A folded-name match is a candidate for a person to check, not a proof of identity.
    Not scoped to a user: the caller shows them only to the board."""
    conditions = []
    if citizen_id:
        conditions.append(Award.citizen_id == citizen_id.strip())
    if name_key:
        by_name = Award.name_key == fold(name_key)
        if birth_year is not None:
            by_name = sa.and_(by_name, sa.or_(Award.birth_year == birth_year, Award.birth_year.is_(None)))
        conditions.append(by_name)
    if not conditions:
        return []
    stmt = _register_select(None).where(sa.or_(*conditions))
    return list(session.scalars(_with_decisions(stmt)).unique().all())


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class Verification:
    """What a public verification shows: no more than the certificate itself prints."""

    recipient_name: str
    kind_label: str
    form_name: str
    decision_number: str
    decision_date: date
    authority_name: str
    valid: bool
    revoked_dt: datetime | None
    serial: str


def normalise_code(code: str | None) -> str:
    return (code or "").strip()[:64]


def verify_certificate(session: Session, code: str | None) -> Verification | None:
    """Look a certificate up by its verification code (exact equality, one query). None when the
    code is unknown or its decision is not in the register."""
    code = normalise_code(code)
    if not code:
        return None
    cert = session.scalar(
        sa.select(Certificate)
        .join(Certificate.award).join(Award.decision)
        .where(Certificate.verification_code == code, Decision.state.in_(REGISTER_STATES))
        .options(contains_eager(Certificate.award).contains_eager(Award.decision))
    )
    if cert is None:
        return None
    award = cert.award
    decision = award.decision
    valid = effective_status(award) == AwardStatus.active.value
    return Verification(
        recipient_name=award.name,
        kind_label=award.kind_label,
        form_name=decision.award_form.name,
        decision_number=format_doc_number(decision.number, decision.authority.doc_symbol),
        decision_date=decision.decision_date,
        authority_name=decision.authority.name,
        valid=valid,
        revoked_dt=None if valid else revoked_at(award),
        serial=cert.serial,
    )


def decision_number(decision: Decision) -> str:
    if decision.number is None:
        return ""
    return format_doc_number(decision.number, decision.authority.doc_symbol)


__all__: list[Any] = [
    "REGISTER_STATES", "RegisterFilters", "Page", "search_register", "filter_choices", "install_search_support",
    "name_condition", "get_register_entry", "RecipientIdentity", "identity_of", "recipient_awards", "earlier_awards",
    "Verification", "verify_certificate", "effective_status", "revoked_at", "decision_number",
]
