"""Fixtures for the workflow engine tests (no application needed)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from workflows.engine import DEFINITIONS_DIR, KNOWN_ROLES, Registry, Workflow, load_definitions

GUARDS = (
    "dossier_complete",
    "window_open",
    "quota_respected",
    "eligibility_ok",
    "all_nominees_appraised",
    "some_nominee_eligible",
    "decision_numbered",
    "posting_closed",
    "central_result_recorded",
)
EFFECTS = ("notify", "snapshot_submission", "start_posting_window")
SHIPPED = ("bang_khen_tinh", "giay_khen_xa", "de_nghi_cap_tren")


def _guard(name: str) -> Callable[[object], str | None]:
    def guard(context: object) -> str | None:
        if isinstance(context, Mapping):
            return context.get(name)
        return None

    guard.__name__ = f"guard_{name}"
    return guard


def default_test_registry() -> Registry:
    """The registry the application will build: exactly the guard and effect names it registers.

    Every guard passes unless the context is a mapping naming it, in which case the mapped value is
    the guard's reason: ``{"dossier_complete": "Hồ sơ còn thiếu tờ trình của đơn vị."}``.
    """
    return Registry(guards={name: _guard(name) for name in GUARDS}, effects=EFFECTS, roles=KNOWN_ROLES)


def shipped_definitions() -> dict[str, Workflow]:
    return load_definitions(DEFINITIONS_DIR, default_test_registry())


@pytest.fixture(scope="session")
def registry() -> Registry:
    return default_test_registry()


@pytest.fixture(scope="session")
def definitions() -> dict[str, Workflow]:
    return shipped_definitions()


@pytest.fixture
def write_toml(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a definition file into a fresh directory and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``combo`` over every (definition, state, role, transition) of the shipped files."""
    if "combo" not in metafunc.fixturenames:
        return
    combos, ids = [], []
    for name, wf in sorted(shipped_definitions().items()):
        for state in wf.states:
            for role in sorted(KNOWN_ROLES):
                for t in wf.transitions:
                    combos.append((name, state, role, t.name))
                    ids.append(f"{name}-{state}-{role}-{t.name}")
    metafunc.parametrize("combo", combos, ids=ids)
