"""The roles a workflow names, with their Vietnamese labels in the order they are listed to people."""

from __future__ import annotations

from collections.abc import Iterable

from .messages import Msg

#: Vietnamese labels of the roles, in the order they are listed to people (translatable: Msg).
ROLE_LABELS: dict[str, str] = {
    "unit_clerk": Msg("Chuyên viên đơn vị"),
    "unit_head": Msg("Thủ trưởng đơn vị"),
    "board_specialist": Msg("Chuyên viên Phòng Thi đua - Khen thưởng"),
    "board_lead": Msg("Lãnh đạo Phòng Thi đua - Khen thưởng"),
    "council_member": Msg("Thành viên Hội đồng"),
    "council_secretary": Msg("Thư ký Hội đồng"),
    "signer": Msg("Người ký quyết định"),
    "clerk": Msg("Văn thư"),
    "admin": Msg("Quản trị hệ thống"),
    "system": Msg("Hệ thống"),
}

KNOWN_ROLES: frozenset[str] = frozenset(ROLE_LABELS)

_ROLE_ORDER = {role: index for index, role in enumerate(ROLE_LABELS)}


def role_label(role: str) -> str:
    """The Vietnamese label of a role (the role name itself for a role without a label)."""
    return ROLE_LABELS.get(role, role)


def _sorted_roles(roles: Iterable[str]) -> list[str]:
    # frozenset iteration order depends on string hashing: never let it reach the output.
    return sorted(roles, key=lambda r: (_ROLE_ORDER.get(r, len(_ROLE_ORDER)), r))
