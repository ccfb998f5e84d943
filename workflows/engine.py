"""The workflow engine: definitions as data, validated at load, answering two questions.

A workflow definition (one TOML file in ``definitions/``) names states, transitions between them,
the roles allowed to fire each transition, the guards and effects that the application registers by
name, the stage time limit in working days and, for council decisions, a vote rule.

For a dossier in a given state and an actor, :meth:`Workflow.available` says which transitions can be
fired now and why not the others; :meth:`Workflow.fire` fires one, returning the new state, the
effects to run and a history entry, or raises :class:`TransitionRejected` with reasons a person can
read (in Vietnamese).

This module is pure: it imports neither Flask nor SQLAlchemy nor the application, does no I/O except
reading definition files in :func:`load_definition`, and is deterministic.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from fractions import Fraction
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .messages import Msg

__all__ = [
    "BALLOTS",
    "DEFINITIONS_DIR",
    "KNOWN_ROLES",
    "ROLE_LABELS",
    "THRESHOLD_BASES",
    "Actor",
    "DefinitionError",
    "FireResult",
    "HistoryEntry",
    "Option",
    "Registry",
    "State",
    "Transition",
    "TransitionRejected",
    "VoteResult",
    "VoteRule",
    "VoteTally",
    "Workflow",
    "load_definition",
    "load_definitions",
    "parse_definition",
    "role_label",
    "tally",
]

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

THRESHOLD_BASES = ("members", "present")
BALLOTS = ("secret", "open")

#: The directory of the definitions shipped with the engine.
DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_ROLE_ORDER = {role: index for index, role in enumerate(ROLE_LABELS)}


def role_label(role: str) -> str:
    """The Vietnamese label of a role (the role name itself for a role without a label)."""
    return ROLE_LABELS.get(role, role)


def _sorted_roles(roles: Iterable[str]) -> list[str]:
    # frozenset iteration order depends on string hashing: never let it reach the output.
    return sorted(roles, key=lambda r: (_ROLE_ORDER.get(r, len(_ROLE_ORDER)), r))


def _join_vi(items: list[str]) -> str:
    """'A', 'A hoặc B', 'A, B hoặc C' (translatable: each item and the conjunction)."""
    if len(items) <= 1:
        return Msg.joined(items, "")
    return Msg("%(items)s hoặc %(last)s", items=Msg.joined(items[:-1], ", "), last=items[-1])


# --------------------------------------------------------------------------------------------------
# Errors


class DefinitionError(Exception):
    """A definition file (or several) could not be loaded; ``errors`` lists every problem found.

    Each message names the file, the item and the problem, e.g.
    ``bang_khen_tinh.toml: transition 'submit': unknown guard 'foo'``.
    """

    def __init__(self, errors: Iterable[str]):
        self.errors: list[str] = list(errors)
        super().__init__("\n".join(self.errors))


class TransitionRejected(Exception):
    """A transition cannot be fired; ``reasons`` are Vietnamese sentences for the user (Msg where
    they were built with one, so the application can translate them)."""

    def __init__(self, reasons: Iterable[str]):
        self.reasons: list[str] = list(reasons)
        super().__init__(Msg.joined(self.reasons))

    def __str__(self) -> str:
        return " ".join(self.reasons)


# --------------------------------------------------------------------------------------------------
# Votes


@dataclass(frozen=True)
class VoteRule:
    """How a council decides: quorum is the share of members who must be present; the transition
    passes when yes votes reach ``threshold`` of the members (or of those present). Both bounds are
    inclusive and computed with exact fractions."""

    quorum: Fraction
    threshold: Fraction
    threshold_base: str = "members"
    ballot: str = "secret"

    def __post_init__(self) -> None:
        for attr in ("quorum", "threshold"):
            value = getattr(self, attr)
            if isinstance(value, bool) or not isinstance(value, (Fraction, int, str)):
                raise TypeError(f"VoteRule.{attr} must be a Fraction, an int or a string, got {value!r}")
            value = Fraction(value)
            if not 0 < value <= 1:
                raise ValueError(f"VoteRule.{attr} must be in (0, 1], got {value}")
            object.__setattr__(self, attr, value)
        if self.threshold_base not in THRESHOLD_BASES:
            raise ValueError(f"VoteRule.threshold_base must be one of {THRESHOLD_BASES}, got {self.threshold_base!r}")
        if self.ballot not in BALLOTS:
            raise ValueError(f"VoteRule.ballot must be one of {BALLOTS}, got {self.ballot!r}")

    @property
    def base_label(self) -> str:
        if self.threshold_base == "members":
            return Msg("tổng số thành viên Hội đồng")
        return Msg("số thành viên có mặt")

    def describe(self) -> str:
        """One Vietnamese sentence for an admin table or a diagram."""
        ballot = Msg("Bỏ phiếu kín") if self.ballot == "secret" else Msg("Biểu quyết công khai")
        return Msg(
            "%(ballot)s; có mặt ít nhất %(quorum)s tổng số thành viên; "
            "thông qua khi số phiếu tán thành đạt ít nhất %(threshold)s %(base)s.",
            ballot=ballot, quorum=str(self.quorum), threshold=str(self.threshold), base=self.base_label,
        )


@dataclass(frozen=True)
class VoteTally:
    """The count of one vote. Validated: ``yes + no + abstain <= present <= members``."""

    members: int
    present: int
    yes: int
    no: int = 0
    abstain: int = 0

    def __post_init__(self) -> None:
        for attr in ("members", "present", "yes", "no", "abstain"):
            value = getattr(self, attr)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"VoteTally.{attr} must be an int, got {value!r}")
            if value < 0:
                raise ValueError(Msg("Số liệu biểu quyết không được âm (%(field)s = %(value)s).",
                                     field=attr, value=value))
        if self.members < 1:
            raise ValueError(Msg("Hội đồng phải có ít nhất một thành viên."))
        if self.present > self.members:
            raise ValueError(Msg(
                "Số thành viên có mặt (%(present)s) vượt quá tổng số thành viên (%(members)s).",
                present=self.present, members=self.members,
            ))
        votes = self.yes + self.no + self.abstain
        if votes > self.present:
            raise ValueError(Msg(
                "Tổng số phiếu tán thành, không tán thành và không biểu quyết (%(votes)s) "
                "vượt quá số thành viên có mặt (%(present)s).",
                votes=votes, present=self.present,
            ))


@dataclass(frozen=True)
class VoteResult:
    quorum_met: bool
    passed: bool
    required_present: int
    required_yes: int
    reasons: list[str]
    rule: VoteRule | None = None
    tally: VoteTally | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "quorum_met": self.quorum_met,
            "passed": self.passed,
            "required_present": self.required_present,
            "required_yes": self.required_yes,
            "reasons": list(self.reasons),
        }
        if self.rule is not None:
            data["rule"] = {
                "quorum": str(self.rule.quorum),
                "threshold": str(self.rule.threshold),
                "threshold_base": self.rule.threshold_base,
                "ballot": self.rule.ballot,
            }
        if self.tally is not None:
            t = self.tally
            data["tally"] = {"members": t.members, "present": t.present, "yes": t.yes, "no": t.no, "abstain": t.abstain}
        return data


def tally(rule: VoteRule, t: VoteTally) -> VoteResult:
    """Count a vote with exact fractions; quorum and threshold are inclusive.

    With a 2/3 quorum of 9 members, 6 present is enough and 5 is not.
    """
    required_present = math.ceil(rule.quorum * t.members)
    quorum_met = t.present >= required_present
    base = t.members if rule.threshold_base == "members" else t.present
    required_yes = math.ceil(rule.threshold * base)
    reasons: list[str] = []
    if not quorum_met:
        reasons.append(Msg(
            "Không đủ số thành viên dự họp: cần ít nhất %(required)s trên %(members)s thành viên "
            "(tỷ lệ %(quorum)s), chỉ có %(present)s.",
            required=required_present, members=t.members, quorum=str(rule.quorum), present=t.present,
        ))
        passed = False
    else:
        passed = t.yes >= required_yes
        if not passed:
            reasons.append(Msg(
                "Không đủ số phiếu tán thành: cần ít nhất %(required)s phiếu "
                "(%(threshold)s %(base)s), chỉ có %(yes)s.",
                required=required_yes, threshold=str(rule.threshold), base=rule.base_label, yes=t.yes,
            ))
    return VoteResult(
        quorum_met=quorum_met,
        passed=passed,
        required_present=required_present,
        required_yes=required_yes,
        reasons=reasons,
        rule=rule,
        tally=t,
    )


_count_votes = tally  # Workflow.fire has a parameter named `tally`


# --------------------------------------------------------------------------------------------------
# Definitions


@dataclass(frozen=True)
class State:
    name: str
    label: str
    final: bool = False
    time_limit_days: int | None = None
    responsible_role: str | None = None
    initial: bool = False


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    comment_required: bool = False
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    vote: VoteRule | None = None
    fail_target: str | None = None
    fail_effects: tuple[str, ...] = ()

    @property
    def ordered_roles(self) -> list[str]:
        return _sorted_roles(self.roles)


@dataclass(frozen=True)
class Actor:
    """Who acts: the application computes which roles apply to this dossier for this user."""

    id: int | None
    roles: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if isinstance(self.roles, str):
            raise TypeError("Actor.roles must be a collection of role names, not a string")
        if not isinstance(self.roles, frozenset):
            object.__setattr__(self, "roles", frozenset(self.roles))


@dataclass(frozen=True)
class Option:
    transition: Transition
    allowed: bool
    reasons: list[str]


@dataclass(frozen=True)
class HistoryEntry:
    transition: str
    from_state: str
    to_state: str
    actor_id: int | None
    comment: str | None
    at: datetime
    vote: VoteResult | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``at`` in ISO 8601)."""
        return {
            "transition": self.transition,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "actor_id": self.actor_id,
            "comment": self.comment,
            "at": self.at.isoformat(),
            "vote": self.vote.to_dict() if self.vote is not None else None,
        }


@dataclass(frozen=True)
class FireResult:
    workflow: str
    transition: str
    from_state: str
    to_state: str
    effects: tuple[str, ...]
    history: HistoryEntry


class Registry:
    """The names the application registers: guards (callables), effects and roles.

    A guard takes the opaque ``context`` given to :meth:`Workflow.available` / :meth:`Workflow.fire`
    and returns ``None`` when satisfied, or a Vietnamese sentence saying why not.
    """

    def __init__(
        self,
        guards: Mapping[str, Callable[[Any], str | None]] | None = None,
        effects: Iterable[str] = (),
        roles: Iterable[str] = KNOWN_ROLES,
    ):
        guards = dict(guards or {})
        for name, guard in guards.items():
            if not callable(guard):
                raise TypeError(f"guard {name!r} is not callable")
        if isinstance(effects, str) or isinstance(roles, str):
            raise TypeError("effects and roles must be collections of names, not a string")
        self.guards: Mapping[str, Callable[[Any], str | None]] = MappingProxyType(guards)
        self.effects: frozenset[str] = frozenset(effects)
        self.roles: frozenset[str] = frozenset(roles)

    def __repr__(self) -> str:
        return (
            f"Registry(guards={sorted(self.guards)!r}, effects={sorted(self.effects)!r}, "
            f"roles={_sorted_roles(self.roles)!r})"
        )


@dataclass(frozen=True, eq=False)
class Workflow:
    name: str
    label: str
    description: str
    initial: str
    states: dict[str, State]
    transitions: tuple[Transition, ...]
    guards: Mapping[str, Callable[[Any], str | None]] = field(default_factory=dict, repr=False)
    source: str | None = None
    _by_name: dict[str, Transition] = field(init=False, repr=False)
    _outgoing: dict[str, tuple[Transition, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {t.name: t for t in self.transitions})
        outgoing = {
            name: tuple(t for t in self.transitions if name in t.sources) for name in self.states
        }
        object.__setattr__(self, "_outgoing", outgoing)

    # -- lookups ------------------------------------------------------------------------------------

    def state(self, name: str) -> State:
        try:
            return self.states[name]
        except KeyError:
            raise KeyError(f"workflow {self.name!r} has no state {name!r}") from None

    def transition(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"workflow {self.name!r} has no transition {name!r}") from None

    def transitions_from(self, state: str) -> tuple[Transition, ...]:
        """The transitions whose sources include ``state``, in definition order."""
        self.state(state)
        return self._outgoing[state]

    @property
    def final_states(self) -> tuple[str, ...]:
        return tuple(name for name, s in self.states.items() if s.final)

    def is_final(self, state: str) -> bool:
        return self.state(state).final

    # -- the two questions --------------------------------------------------------------------------

    def available(self, state: str, actor: Actor, context: Any = None) -> list[Option]:
        """Every transition leaving ``state``, each with ``allowed`` and the reasons why not.

        Comments and vote tallies are asked for when firing; they are not reasons here (the
        transition's ``comment_required`` and ``vote`` tell the form what to ask).
        Raises KeyError for a state the workflow does not define.
        """
        current = self.state(state)
        if current.final:
            return []
        options = []
        for t in self._outgoing[state]:
            reasons = self._actor_reasons(t, actor, context)
            options.append(Option(transition=t, allowed=not reasons, reasons=reasons))
        return options

    def fire(
        self,
        state: str,
        transition: str,
        actor: Actor,
        context: Any = None,
        comment: str | None = None,
        tally: VoteTally | None = None,
        now: datetime | None = None,
    ) -> FireResult:
        """Fire ``transition`` from ``state``, or raise :class:`TransitionRejected` with every reason.

        A vote transition goes to ``target`` when the tally passes and to ``fail_target`` when the
        quorum is met but the threshold is not; a missing tally or an unmet quorum is a rejection.
        Raises KeyError for a state the workflow does not define.
        """
        current = self.state(state)
        at = _utc(now)
        t = self._by_name.get(transition)
        if t is None:
            raise TransitionRejected([Msg("Quy trình «%(workflow)s» không có thao tác «%(transition)s».",
                                          workflow=Msg(self.label), transition=transition)])
        if current.final:
            raise TransitionRejected([Msg(
                "Hồ sơ đã kết thúc ở bước «%(state)s», không thể thực hiện thêm thao tác nào.",
                state=Msg(current.label),
            )])
        reasons: list[str] = []
        if state not in t.sources:
            reasons.append(Msg("Hồ sơ đang ở bước «%(state)s», không thể thực hiện thao tác «%(transition)s».",
                               state=Msg(current.label), transition=Msg(t.label)))
        reasons.extend(self._actor_reasons(t, actor, context))
        text = comment.strip() if isinstance(comment, str) else None
        text = text or None
        if t.comment_required and text is None:
            reasons.append(Msg("Vui lòng nhập lý do."))
        vote: VoteResult | None = None
        if t.vote is not None:
            if tally is None:
                reasons.append(Msg("Vui lòng nhập kết quả biểu quyết của Hội đồng."))
            else:
                vote = _count_votes(t.vote, tally)
                if not vote.quorum_met:
                    reasons.extend(vote.reasons)
        if reasons:
            raise TransitionRejected(reasons)

        if vote is not None and not vote.passed:
            assert t.fail_target is not None  # guaranteed by validation
            to_state, effects = t.fail_target, t.fail_effects
        else:
            to_state, effects = t.target, t.effects
        entry = HistoryEntry(
            transition=t.name,
            from_state=state,
            to_state=to_state,
            actor_id=actor.id,
            comment=text,
            at=at,
            vote=vote,
        )
        return FireResult(
            workflow=self.name,
            transition=t.name,
            from_state=state,
            to_state=to_state,
            effects=effects,
            history=entry,
        )

    def _actor_reasons(self, t: Transition, actor: Actor, context: Any) -> list[str]:
        reasons: list[str] = []
        if not (actor.roles & t.roles):
            labels = [role_label(r) for r in _sorted_roles(t.roles)]
            reasons.append(Msg("Chỉ %(roles)s được thực hiện thao tác «%(transition)s».",
                               roles=_join_vi(labels), transition=Msg(t.label)))
        for name in t.guards:
            reason = self.guards[name](context)
            if reason is None:
                continue
            if not isinstance(reason, str) or not reason.strip():
                raise TypeError(f"guard {name!r} must return None or a non-empty string, got {reason!r}")
            reasons.append(reason)
        return reasons

    # -- presentation -------------------------------------------------------------------------------

    def to_table(self) -> list[dict[str, Any]]:
        """One row per transition, for the admin page (names and Vietnamese labels)."""
        rows = []
        for t in self.transitions:
            roles = _sorted_roles(t.roles)
            rows.append(
                {
                    "name": t.name,
                    "label": t.label,
                    "from": list(t.sources),
                    "from_labels": [self.states[s].label for s in t.sources],
                    "to": t.target,
                    "to_label": self.states[t.target].label,
                    "fail_to": t.fail_target,
                    "fail_to_label": self.states[t.fail_target].label if t.fail_target else None,
                    "roles": roles,
                    "role_labels": [role_label(r) for r in roles],
                    "comment_required": t.comment_required,
                    "guards": list(t.guards),
                    "effects": list(t.effects),
                    "fail_effects": list(t.fail_effects),
                    "vote": t.vote.describe() if t.vote else None,
                }
            )
        return rows

    def states_table(self) -> list[dict[str, Any]]:
        """One row per state, for the admin page."""
        return [
            {
                "name": s.name,
                "label": s.label,
                "initial": s.name == self.initial,
                "final": s.final,
                "time_limit_days": s.time_limit_days,
                "responsible_role": s.responsible_role,
                "responsible_role_label": role_label(s.responsible_role) if s.responsible_role else None,
            }
            for s in self.states.values()
        ]


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("`now` must be a timezone-aware datetime")
    return now.astimezone(timezone.utc)


# --------------------------------------------------------------------------------------------------
# Loading and validation

_WORKFLOW_KEYS = {"name": True, "label": True, "description": False, "states": True, "transitions": True}
_STATE_KEYS = {
    "name": True,
    "label": True,
    "initial": False,
    "final": False,
    "time_limit_days": False,
    "responsible_role": False,
}
_TRANSITION_KEYS = {
    "name": True,
    "label": True,
    "from": True,
    "to": True,
    "roles": True,
    "comment_required": False,
    "guards": False,
    "effects": False,
    "vote": False,
    "fail_to": False,
    "fail_effects": False,
}
_VOTE_KEYS = {"quorum": True, "threshold": True, "threshold_base": True, "ballot": True}


class _Problems:
    def __init__(self, filename: str):
        self.filename = filename
        self.errors: list[str] = []

    def add(self, item: str, problem: str) -> None:
        self.errors.append(f"{self.filename}: {item}: {problem}")

    def keys(self, item: str, table: Mapping[str, Any], spec: Mapping[str, bool], prefix: str = "") -> None:
        for key in table:
            if key not in spec:
                hint = difflib.get_close_matches(key, list(spec), n=1)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.add(item, f"unknown key '{prefix}{key}'{suggestion}")
        for key, required in spec.items():
            if required and key not in table:
                self.add(item, f"missing required key '{prefix}{key}'")


def _text(p: _Problems, item: str, table: Mapping[str, Any], key: str, default: str | None = None) -> str | None:
    if key not in table:
        return default
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        p.add(item, f"'{key}' must be a non-empty string, got {value!r}")
        return default
    return value.strip()


def _flag(p: _Problems, item: str, table: Mapping[str, Any], key: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        p.add(item, f"'{key}' must be true or false, got {value!r}")
        return False
    return value


def _names(
    p: _Problems, item: str, table: Mapping[str, Any], key: str, *, non_empty: bool
) -> list[str]:
    if key not in table:
        return []
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        p.add(item, f"'{key}' must be a list of names, got {value!r}")
        return []
    if non_empty and not value:
        p.add(item, f"'{key}' must not be empty")
    seen: set[str] = set()
    result = []
    for v in value:
        if v in seen:
            p.add(item, f"'{v}' is listed twice in '{key}'")
            continue
        seen.add(v)
        result.append(v)
    return result


def _fraction(p: _Problems, item: str, key: str, value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        p.add(item, f"vote {key} must be a fraction such as \"4/5\" or \"0.8\", got {value!r}")
        return None
    try:
        # A TOML float is read through its shortest decimal form: 0.8 is 4/5, exactly.
        fraction = Fraction(repr(value) if isinstance(value, float) else value)
    except (ValueError, ZeroDivisionError):
        p.add(item, f"vote {key} must be a fraction such as \"4/5\" or \"0.8\", got {value!r}")
        return None
    if not 0 < fraction <= 1:
        p.add(item, f"vote {key} must be in (0, 1], got {value!r}")
        return None
    return fraction


def _parse_state(
    p: _Problems, index: int, table: Any, registry: Registry
) -> State | None:
    if not isinstance(table, dict):
        p.add(f"state #{index}", "must be a table ([[states]])")
        return None
    raw_name = table.get("name")
    named = isinstance(raw_name, str) and _NAME_RE.match(raw_name) is not None
    item = f"state '{raw_name}'" if named else f"state #{index}"
    p.keys(item, table, _STATE_KEYS)
    if "name" in table and not named:
        p.add(item, f"'name' must be lower_snake_case (a-z, 0-9, _), got {raw_name!r}")
    label = _text(p, item, table, "label", default=raw_name if named else "")
    initial = _flag(p, item, table, "initial")
    final = _flag(p, item, table, "final")
    if initial and final:
        p.add(item, "the initial state cannot be final")
    limit = table.get("time_limit_days")
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
            p.add(item, f"'time_limit_days' must be a positive integer (working days), got {limit!r}")
            limit = None
        elif final:
            p.add(item, "a final state cannot have 'time_limit_days'")
    role = _text(p, item, table, "responsible_role")
    if role is not None and role not in registry.roles:
        p.add(item, f"unknown role '{role}' in 'responsible_role'")
    if not named:
        return None
    return State(
        name=raw_name,
        label=label or raw_name,
        final=final,
        time_limit_days=limit,
        responsible_role=role,
        initial=initial,
    )


def _parse_transition(
    p: _Problems, index: int, table: Any, states: Mapping[str, State], registry: Registry
) -> Transition | None:
    if not isinstance(table, dict):
        p.add(f"transition #{index}", "must be a table ([[transitions]])")
        return None
    raw_name = table.get("name")
    named = isinstance(raw_name, str) and _NAME_RE.match(raw_name) is not None
    item = f"transition '{raw_name}'" if named else f"transition #{index}"
    p.keys(item, table, _TRANSITION_KEYS)
    if "name" in table and not named:
        p.add(item, f"'name' must be lower_snake_case (a-z, 0-9, _), got {raw_name!r}")
    label = _text(p, item, table, "label", default=raw_name if named else "")

    sources = _names(p, item, table, "from", non_empty=True)
    for s in sources:
        if s not in states:
            p.add(item, f"unknown state '{s}' in 'from'")
        elif states[s].final:
            p.add(item, f"leaves final state '{s}' (no transition may leave a final state)")
    target = _text(p, item, table, "to")
    if target is not None and target not in states:
        p.add(item, f"unknown state '{target}' in 'to'")

    roles = _names(p, item, table, "roles", non_empty=True)
    for r in roles:
        if r not in registry.roles:
            p.add(item, f"unknown role '{r}'")
    guards = _names(p, item, table, "guards", non_empty=False)
    for g in guards:
        if g not in registry.guards:
            p.add(item, f"unknown guard '{g}'")
    effects = _names(p, item, table, "effects", non_empty=False)
    for e in effects:
        if e not in registry.effects:
            p.add(item, f"unknown effect '{e}'")
    fail_effects = _names(p, item, table, "fail_effects", non_empty=False)
    for e in fail_effects:
        if e not in registry.effects:
            p.add(item, f"unknown effect '{e}' in 'fail_effects'")
    comment_required = _flag(p, item, table, "comment_required")

    vote: VoteRule | None = None
    fail_target = _text(p, item, table, "fail_to")
    if fail_target is not None and fail_target not in states:
        p.add(item, f"unknown state '{fail_target}' in 'fail_to'")
    if "vote" in table:
        raw_vote = table["vote"]
        if not isinstance(raw_vote, dict):
            p.add(item, f"'vote' must be a table with quorum, threshold, threshold_base and ballot, got {raw_vote!r}")
        else:
            vote = _parse_vote(p, item, raw_vote)
        if fail_target is None and "fail_to" not in table:
            p.add(item, "a vote transition needs 'fail_to' (the state reached when the vote fails)")
    else:
        if "fail_to" in table:
            p.add(item, "'fail_to' is only allowed on a vote transition")
        if "fail_effects" in table:
            p.add(item, "'fail_effects' is only allowed on a vote transition")

    if not named or target is None:
        return None
    return Transition(
        name=raw_name,
        label=label or raw_name,
        sources=tuple(sources),
        target=target,
        roles=frozenset(roles),
        comment_required=comment_required,
        guards=tuple(guards),
        effects=tuple(effects),
        vote=vote,
        fail_target=fail_target if vote is not None else None,
        fail_effects=tuple(fail_effects) if vote is not None else (),
    )


def _parse_vote(p: _Problems, item: str, table: Mapping[str, Any]) -> VoteRule | None:
    p.keys(item, table, _VOTE_KEYS, prefix="vote.")
    quorum = _fraction(p, item, "quorum", table["quorum"]) if "quorum" in table else None
    threshold = _fraction(p, item, "threshold", table["threshold"]) if "threshold" in table else None
    base = table.get("threshold_base")
    if "threshold_base" in table and base not in THRESHOLD_BASES:
        p.add(item, f"vote threshold_base must be \"members\" or \"present\", got {base!r}")
        base = None
    ballot = table.get("ballot")
    if "ballot" in table and ballot not in BALLOTS:
        p.add(item, f"vote ballot must be \"secret\" or \"open\", got {ballot!r}")
        ballot = None
    if quorum is None or threshold is None or base is None or ballot is None:
        return None
    return VoteRule(quorum=quorum, threshold=threshold, threshold_base=base, ballot=ballot)


def _parse(data: Mapping[str, Any], filename: str, registry: Registry) -> tuple[Workflow | None, list[str]]:
    p = _Problems(filename)
    p.keys("workflow", data, _WORKFLOW_KEYS)
    raw_name = data.get("name")
    if "name" in data and not (isinstance(raw_name, str) and _NAME_RE.match(raw_name)):
        p.add("workflow", f"'name' must be lower_snake_case (a-z, 0-9, _), got {raw_name!r}")
        raw_name = None
    label = _text(p, "workflow", data, "label")
    description = _text(p, "workflow", data, "description", default="") or ""

    states: dict[str, State] = {}
    raw_states = data.get("states", [])
    if not isinstance(raw_states, list):
        p.add("workflow", "'states' must be an array of tables ([[states]])")
        raw_states = []
    for index, table in enumerate(raw_states, start=1):
        state = _parse_state(p, index, table, registry)
        if state is None:
            continue
        if state.name in states:
            p.add(f"state '{state.name}'", "duplicate state name")
            continue
        states[state.name] = state

    transitions: dict[str, Transition] = {}
    raw_transitions = data.get("transitions", [])
    if not isinstance(raw_transitions, list):
        p.add("workflow", "'transitions' must be an array of tables ([[transitions]])")
        raw_transitions = []
    for index, table in enumerate(raw_transitions, start=1):
        t = _parse_transition(p, index, table, states, registry)
        if t is None:
            continue
        if t.name in transitions:
            p.add(f"transition '{t.name}'", "duplicate transition name")
            continue
        transitions[t.name] = t

    initials = [s.name for s in states.values() if s.initial]
    if not initials:
        p.add("workflow", "no initial state (mark exactly one state with initial = true)")
    elif len(initials) > 1:
        listed = ", ".join(f"'{n}'" for n in initials)
        p.add("workflow", f"more than one initial state: {listed}")
    else:
        reached = _reachable(initials[0], transitions.values())
        for name in states:
            if name not in reached:
                p.add(f"state '{name}'", f"unreachable from the initial state '{initials[0]}'")
    for name, s in states.items():
        if not s.final and not any(name in t.sources for t in transitions.values()):
            p.add(f"state '{name}'", "non-final state has no transition out")

    if p.errors or raw_name is None or label is None:
        return None, p.errors
    workflow = Workflow(
        name=raw_name,
        label=label,
        description=description,
        initial=initials[0],
        states=states,
        transitions=tuple(transitions.values()),
        guards=registry.guards,
        source=filename,
    )
    return workflow, []


def _reachable(initial: str, transitions: Iterable[Transition]) -> set[str]:
    edges: dict[str, list[str]] = {}
    for t in transitions:
        targets = [t.target] + ([t.fail_target] if t.fail_target else [])
        for s in t.sources:
            edges.setdefault(s, []).extend(targets)
    seen = {initial}
    stack = [initial]
    while stack:
        for nxt in edges.get(stack.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def parse_definition(data: Mapping[str, Any], registry: Registry, source: str = "<memory>") -> Workflow:
    """Build and validate a workflow from already-parsed TOML data; raises :class:`DefinitionError`."""
    workflow, errors = _parse(data, source, registry)
    if errors:
        raise DefinitionError(errors)
    assert workflow is not None
    return workflow


def _load(path: Path, registry: Registry) -> tuple[Workflow | None, list[str]]:
    filename = path.name
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        return None, [f"{filename}: invalid TOML: {exc}"]
    except UnicodeDecodeError as exc:
        return None, [f"{filename}: not UTF-8 text: {exc.reason} at byte {exc.start}"]
    except OSError as exc:
        return None, [f"{filename}: cannot read the file: {exc.strerror or exc}"]
    return _parse(data, filename, registry)


def load_definition(path: str | PathLike[str], registry: Registry) -> Workflow:
    """Load and validate one TOML definition; raises :class:`DefinitionError` listing every problem."""
    workflow, errors = _load(Path(path), registry)
    if errors:
        raise DefinitionError(errors)
    assert workflow is not None
    return workflow


def load_definitions(directory: str | PathLike[str], registry: Registry) -> dict[str, Workflow]:
    """Load every ``*.toml`` in ``directory`` (sorted by file name), keyed by workflow name.

    Collects the problems of all files before raising one :class:`DefinitionError`.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise DefinitionError([f"{directory.name or directory}: not a directory of workflow definitions"])
    workflows: dict[str, Workflow] = {}
    errors: list[str] = []
    for path in sorted(directory.glob("*.toml"), key=lambda p: p.name):
        workflow, problems = _load(path, registry)
        errors.extend(problems)
        if workflow is None:
            continue
        if workflow.name in workflows:
            other = workflows[workflow.name].source
            errors.append(f"{path.name}: workflow: name '{workflow.name}' is already used by {other}")
            continue
        workflows[workflow.name] = workflow
    if errors:
        raise DefinitionError(errors)
    return workflows
