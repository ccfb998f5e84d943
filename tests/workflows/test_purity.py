"""The engine is pure Python: no Flask, no SQLAlchemy, no application import, stdlib only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import workflows

PACKAGE_DIR = Path(workflows.__file__).resolve().parent
MODULES = sorted(PACKAGE_DIR.rglob("*.py"))
FORBIDDEN = {"flask", "sqlalchemy", "awards", "flask_sqlalchemy", "werkzeug", "jinja2"}
# Standard-library modules that do I/O or reach outside the process; the loader opens files
# through pathlib only.
NO_IO = {"os", "io", "subprocess", "socket", "shutil", "urllib", "http", "requests", "sqlite3", "tempfile"}


def imported_top_levels(path: Path) -> set[tuple[str, int]]:
    """(top-level module, relative level) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], 0) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(((node.module or "").split(".")[0], node.level))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
            pytest.fail(f"{path.name}: dynamic import")
    return found


def test_the_package_has_the_expected_modules():
    names = {p.relative_to(PACKAGE_DIR).as_posix() for p in MODULES}
    assert {"__init__.py", "engine.py", "loader.py", "runtime.py", "votes.py", "roles.py", "diagram.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE_DIR).as_posix())
def test_module_imports_only_the_standard_library(path):
    for module, level in imported_top_levels(path):
        if level > 0 or module == "workflows":
            continue  # the package itself
        assert module not in FORBIDDEN, f"{path.name} imports {module}"
        assert module in sys.stdlib_module_names, f"{path.name} imports non-stdlib {module}"
        if module == "os":
            continue  # loader.py uses os.PathLike for a type only; checked below
        assert module not in NO_IO, f"{path.name} imports {module}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE_DIR).as_posix())
def test_os_is_used_for_pathlike_only(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            assert [a.name for a in node.names] == ["PathLike"]
        assert not (isinstance(node, ast.Import) and any(a.name == "os" for a in node.names))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE_DIR).as_posix())
def test_no_print_input_or_open(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"print", "input", "open", "exec", "eval"}, f"{path.name}: {node.func.id}()"
