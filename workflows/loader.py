"""The definition side: loading a workflow definition and validating it, every problem named.

A workflow definition (one TOML file in ``definitions/``) names states, transitions between them,
the roles allowed to fire each transition, the guards and effects that the application registers by
name, the stage time limit in working days and, for council decisions, a vote rule.

Every problem found (file, item, what is wrong) is collected before one :class:`DefinitionError`
is raised; a definition that loads is a :class:`workflows.runtime.Workflow`. No I/O except reading
definition files in :func:`load_definition` and :func:`load_definitions`.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .roles import KNOWN_ROLES, _sorted_roles
from .runtime import State, Transition, Workflow
from .votes import BALLOTS, THRESHOLD_BASES, VoteRule

#: The directory of the definitions shipped with the engine.
DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


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


# --------------------------------------------------------------------------------------------------
# What the application registers


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
