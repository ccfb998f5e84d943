"""The data generation: one row whose counter moves with every committed write.

Rendered pages are cached under the generation they were read at (awards/pagecache.py), so a
commit anywhere makes every earlier cached page unreachable. ``epoch`` changes when the row is
created afresh (a new or wiped database), so counters that restart never meet old entries."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class DataGeneration(Base):
    __tablename__ = "data_generation"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    epoch: Mapped[str] = mapped_column(sa.String(32))
    counter: Mapped[int] = mapped_column(sa.BigInteger)
