"""The workflow engine: definitions as data, validated at load, answering two questions.

This module gathers the engine's names, which the application and the tests import from here; the
code lives in:

* :mod:`workflows.loader`, the definition side: TOML loading and validation with every problem
  named (:class:`Registry`, :class:`DefinitionError`, :func:`load_definitions`);
* :mod:`workflows.runtime`, the runtime side: :class:`Workflow` (``available`` and ``fire``),
  :class:`State`, :class:`Transition`, :class:`Actor`, :class:`TransitionRejected`;
* :mod:`workflows.votes`: vote rules and tallies (:class:`VoteRule`, :class:`VoteTally`, :func:`tally`);
* :mod:`workflows.roles`: the known roles and their Vietnamese labels.

The engine is pure: it imports neither Flask nor SQLAlchemy nor the application, does no I/O except
reading definition files in :func:`load_definition`, and is deterministic.
"""

from __future__ import annotations

from .loader import DEFINITIONS_DIR, DefinitionError, Registry, load_definition, load_definitions, parse_definition
from .roles import KNOWN_ROLES, ROLE_LABELS, role_label
from .runtime import Actor, FireResult, HistoryEntry, Option, State, Transition, TransitionRejected, Workflow
from .votes import BALLOTS, THRESHOLD_BASES, VoteResult, VoteRule, VoteTally, tally

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
