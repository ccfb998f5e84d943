"""Writing audit events in the caller's transaction."""
from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from sqlalchemy.orm import Session

from ..db import ensure_write_transaction
from ..models import AuditEvent, User

# Set by the web layer for each request; jobs and CLI commands leave it empty.
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def _unwrap(obj: Any) -> Any:
    """Accept proxies such as flask_login.current_user."""
    getter = getattr(obj, "_get_current_object", None)
    return getter() if getter is not None else obj


def object_ref(obj: Any) -> tuple[str | None, int | None]:
    obj = _unwrap(obj)
    if obj is None:
        return None, None
    return type(obj).__tablename__, getattr(obj, "id", None)


def record(
    session: Session,
    action: str,
    *,
    actor: User | None = None,
    obj: Any = None,
    object_type: str | None = None,
    object_id: int | None = None,
    old_state: str | None = None,
    new_state: str | None = None,
    details: dict[str, Any] | None = None,
    unit_id: int | None = None,
) -> AuditEvent:
    """Add one audit event to ``session`` (same transaction as the change it records)."""
    actor, obj = _unwrap(actor), _unwrap(obj)
    ensure_write_transaction(session)
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    otype, oid = object_ref(obj)
    if unit_id is None and obj is not None:
        unit_id = getattr(obj, "unit_id", None)
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.username if actor is not None else None,
        unit_id=unit_id if unit_id is not None else (actor.unit_id if actor is not None else None),
        action=action,
        object_type=object_type or otype,
        object_id=object_id if object_id is not None else oid,
        old_state=old_state,
        new_state=new_state,
        details=details,
        ip=current_ip.get(),
    )
    session.add(event)
    return event


def diff(obj: Any, fields: list[str], new_values: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that change; values made JSON-friendly."""
    changes: dict[str, list[Any]] = {}
    for f in fields:
        old, new = getattr(obj, f, None), new_values.get(f)
        if old != new:
            changes[f] = [_jsonable(old), _jsonable(new)]
    return changes


def _jsonable(v: Any) -> Any:
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)
