"""The authority's registers of document numbers (sổ đăng ký văn bản): one counter row per
authority, register and year, for decisions (QĐ), tờ trình (TTr) and certificate serials alike.

A number is taken in the transaction that records it, so a rollback gives it back: no duplicates
and no gaps under concurrency (engineering.md §5). The table that stores the numbered document
keeps a UNIQUE constraint as the backstop."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import NumberCounter


def _insert(session: Session):
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the app supports these two
        raise RuntimeError(f"unsupported database {name}")
    return insert


def _ensure_counter(session: Session, authority_id: int, register: str, year: int) -> None:
    """Create the counter row if missing (INSERT ... ON CONFLICT DO NOTHING)."""
    session.execute(
        _insert(session)(NumberCounter.__table__)
        .values(authority_id=authority_id, register=register, year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["authority_id", "register", "year"])
    )


def next_number(session: Session, authority_id: int, register: str, year: int) -> int:
    """Take the next number of the register for the year, in the caller's transaction.

    The counter row is incremented with UPDATE ... RETURNING: the row lock serialises concurrent
    takers, and a rollback gives the number back."""
    _ensure_counter(session, authority_id, register, year)
    table = NumberCounter.__table__
    return session.execute(
        sa.update(table)
        .where(table.c.authority_id == authority_id, table.c.register == register, table.c.year == year)
        .values(last_number=table.c.last_number + 1)
        .returning(table.c.last_number)
    ).scalar_one()


def reserve_number(session: Session, authority_id: int, register: str, year: int, number: int) -> None:
    """A number given elsewhere (the e-office system): the register never hands it out afterwards."""
    _ensure_counter(session, authority_id, register, year)
    table = NumberCounter.__table__
    session.execute(
        sa.update(table)
        .where(table.c.authority_id == authority_id, table.c.register == register, table.c.year == year,
               table.c.last_number < number)
        .values(last_number=number)
    )
