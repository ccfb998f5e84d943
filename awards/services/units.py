"""Unit tree use cases: create, edit, move, retire, merge into a successor (history kept)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.messages import Msg

from ..models import Unit, User
from . import audit


class UnitError(ValueError):
    """A Vietnamese message saying what to fix (a Msg: translated where it is shown)."""


def _path_for(unit: Unit, parent: Unit | None) -> str:
    return f"{parent.path if parent else '/'}{unit.id}/"


def create_unit(session: Session, *, actor: User | None, code: str, name: str, kind: str,
                parent: Unit | None, valid_from: date, short_name: str | None = None,
                address: str | None = None, head_title: str | None = None) -> Unit:
    if session.scalar(sa.select(Unit.id).where(Unit.code == code)) is not None:
        raise UnitError(Msg("Mã đơn vị «%(code)s» đã được dùng; vui lòng chọn mã khác.", code=code))
    if parent is not None and parent.valid_to is not None:
        raise UnitError(Msg("Đơn vị cấp trên «%(unit)s» đã ngừng hoạt động.", unit=parent.name))
    if valid_from is None:
        raise UnitError(Msg("Vui lòng nhập ngày bắt đầu hoạt động của đơn vị."))
    unit = Unit(code=code, name=name, kind=kind, parent=parent, valid_from=valid_from,
                short_name=short_name, address=address, head_title=head_title, path="/")
    session.add(unit)
    session.flush()
    unit.path = _path_for(unit, parent)
    audit.record(session, "unit.create", actor=actor, obj=unit, unit_id=unit.id,
                 details={"code": code, "name": name, "parent_id": parent.id if parent else None})
    session.flush()
    return unit


def check_move(unit: Unit, new_parent: Unit | None) -> None:
    """Raise UnitError when ``unit`` may not be placed under ``new_parent`` (checked before any change)."""
    if new_parent is None:
        return
    if new_parent.id == unit.id or new_parent.path.startswith(unit.path):
        raise UnitError(Msg(
            "Không thể chuyển «%(unit)s» vào «%(parent)s»: đơn vị không thể nằm dưới chính nó "
            "hoặc dưới một đơn vị trực thuộc của nó.",
            unit=unit.name, parent=new_parent.name,
        ))
    if new_parent.valid_to is not None and new_parent.id != unit.parent_id:
        raise UnitError(Msg("Đơn vị cấp trên «%(unit)s» đã ngừng hoạt động; hãy chọn đơn vị khác.",
                            unit=new_parent.name))


def update_unit(session: Session, unit: Unit, *, actor: User | None, parent: Unit | None, **fields) -> Unit:
    if "code" in fields and fields["code"] != unit.code:
        if session.scalar(sa.select(Unit.id).where(Unit.code == fields["code"], Unit.id != unit.id)) is not None:
            raise UnitError(Msg("Mã đơn vị «%(code)s» đã được dùng; vui lòng chọn mã khác.", code=fields["code"]))
    parent_changes = (parent.id if parent else None) != unit.parent_id
    if parent_changes:
        check_move(unit, parent)
    if "valid_from" in fields and unit.valid_to is not None and fields["valid_from"] > unit.valid_to:
        raise UnitError(Msg("Ngày bắt đầu hoạt động không được sau ngày ngừng hoạt động của đơn vị."))
    changes = audit.diff(unit, list(fields), fields)
    for k, v in fields.items():
        setattr(unit, k, v)
    if parent_changes:
        move_unit(session, unit, parent, actor=actor)
    if changes:
        audit.record(session, "unit.update", actor=actor, obj=unit, unit_id=unit.id, details=changes)
    session.flush()
    return unit


def move_unit(session: Session, unit: Unit, new_parent: Unit | None, *, actor: User | None) -> None:
    check_move(unit, new_parent)
    old_path = unit.path
    old_parent_id = unit.parent_id
    unit.parent = new_parent
    unit.parent_id = new_parent.id if new_parent else None
    new_path = _path_for(unit, new_parent)
    descendants = session.scalars(sa.select(Unit).where(Unit.path.startswith(old_path, autoescape=True))).all()
    for d in descendants:
        d.path = new_path + d.path[len(old_path):]
    audit.record(session, "unit.move", actor=actor, obj=unit, unit_id=unit.id,
                 details={"from_parent_id": old_parent_id, "to_parent_id": unit.parent_id})
    session.flush()


def retire_unit(session: Session, unit: Unit, *, actor: User | None, valid_to: date,
                successor: Unit | None = None) -> None:
    if unit.valid_to is not None:
        raise UnitError(Msg("Đơn vị «%(unit)s» đã ngừng hoạt động từ %(date)s.", unit=unit.name,
                            date=f"{unit.valid_to:%d/%m/%Y}"))
    if valid_to < unit.valid_from:
        raise UnitError(Msg("Ngày ngừng hoạt động phải sau ngày bắt đầu hoạt động của đơn vị."))
    active_children = session.scalars(
        sa.select(Unit).where(Unit.parent_id == unit.id, Unit.valid_to.is_(None))
    ).all()
    if active_children and successor is None:
        names = ", ".join(c.name for c in active_children[:3])
        raise UnitError(Msg("Đơn vị còn %(count)s đơn vị trực thuộc đang hoạt động (%(names)s); "
                            "hãy chuyển chúng sang đơn vị khác hoặc sáp nhập vào một đơn vị kế thừa.",
                            count=len(active_children), names=names))
    unit.valid_to = valid_to
    unit.successor = successor
    audit.record(session, "unit.retire", actor=actor, obj=unit, unit_id=unit.id,
                 details={"valid_to": valid_to.isoformat(), "successor_id": successor.id if successor else None})
    session.flush()


def merge_unit(session: Session, unit: Unit, successor: Unit, *, actor: User | None, valid_to: date) -> None:
    """Merge ``unit`` into ``successor``: children and users move; dossiers and awards keep their unit."""
    if successor.id == unit.id or successor.path.startswith(unit.path):
        raise UnitError(Msg("Đơn vị kế thừa phải là một đơn vị khác, không trực thuộc đơn vị bị sáp nhập."))
    if successor.valid_to is not None:
        raise UnitError(Msg("Đơn vị kế thừa «%(unit)s» đã ngừng hoạt động.", unit=successor.name))
    for child in session.scalars(sa.select(Unit).where(Unit.parent_id == unit.id, Unit.valid_to.is_(None))).all():
        move_unit(session, child, successor, actor=actor)
    moved_users = session.scalars(sa.select(User).where(User.unit_id == unit.id)).all()
    for u in moved_users:
        u.unit_id = successor.id
    retire_unit(session, unit, actor=actor, valid_to=valid_to, successor=successor)
    audit.record(session, "unit.merge", actor=actor, obj=unit, unit_id=unit.id,
                 details={"successor_id": successor.id, "users_moved": len(moved_users)})
    session.flush()


def unit_tree(session: Session) -> list[Unit]:
    """Every unit in one query, in tree order (parents before children, siblings by name)."""
    units = session.scalars(sa.select(Unit)).all()
    children: dict[int | None, list[Unit]] = {}
    for u in units:
        children.setdefault(u.parent_id, []).append(u)
    for kids in children.values():
        kids.sort(key=lambda u: (u.valid_to is not None, u.name))
    out: list[Unit] = []

    def walk(parent_id: int | None) -> None:
        for u in children.get(parent_id, []):
            out.append(u)
            walk(u.id)

    walk(None)
    return out


def unit_choices(session: Session, *, include_retired: bool = False) -> list[tuple[int, str]]:
    """(id, indented name) pairs in tree order, for select boxes."""
    return [
        (u.id, "\u00a0\u00a0" * u.depth + u.name + (" (đã ngừng)" if u.valid_to else ""))
        for u in unit_tree(session)
        if include_retired or u.valid_to is None
    ]
