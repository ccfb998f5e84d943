"""The runtime side: a loaded workflow and the two questions it answers.

For a dossier in a given state and an actor, :meth:`Workflow.available` says which transitions can be
fired now and why not the others; :meth:`Workflow.fire` fires one, returning the new state, the
effects to run and a history entry, or raises :class:`TransitionRejected` with reasons a person can
read (in Vietnamese).

Deterministic, and no I/O: the definitions are read and validated by :mod:`workflows.loader`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .messages import Msg
from .roles import _sorted_roles, role_label
from .votes import VoteResult, VoteRule, VoteTally, tally


def _join_vi(items: list[str]) -> str:
    """'A', 'A hoặc B', 'A, B hoặc C' (translatable: each item and the conjunction)."""
    if len(items) <= 1:
        return Msg.joined(items, "")
    return Msg("%(items)s hoặc %(last)s", items=Msg.joined(items[:-1], ", "), last=items[-1])


# --------------------------------------------------------------------------------------------------
# Errors


class TransitionRejected(Exception):
    """A transition cannot be fired; ``reasons`` are Vietnamese sentences for the user (Msg where
    they were built with one, so the application can translate them)."""

    def __init__(self, reasons: Iterable[str]):
        self.reasons: list[str] = list(reasons)
        super().__init__(Msg.joined(self.reasons))

    def __str__(self) -> str:
        return " ".join(self.reasons)


_count_votes = tally  # Workflow.fire has a parameter named `tally`


# --------------------------------------------------------------------------------------------------
# States, transitions and the workflow


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
