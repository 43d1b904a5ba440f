"""The shape of the code: apps depend downward only, ``regions`` ← ``organizations`` ←
``workshops`` ← ``attendance``, read from the import statements (ast), not from running them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUR_APPS = ("regions", "organizations", "workshops", "attendance")
# Older upward imports, left for their own change: erasure and restore reach participations.
KNOWN_UPWARD = {
    "organizations/privacy.py": {"workshops"},
    "organizations/management/commands/restore.py": {"workshops"},
    "regions/views.py": {"workshops"},
}


def imported_modules(path):
    """Dotted names of every module ``path`` imports (absolute imports; relative ones are
    within the same package and resolved to it)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.add(package)
            elif node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def app_imports(app):
    """``{file: {our app imported, …}}`` for every Python file of ``app`` (migrations included)."""
    found = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        apps = {name.split(".")[0] for name in imported_modules(path)} & set(OUR_APPS)
        found[path.relative_to(ROOT).as_posix()] = apps - {app}
    return found


@pytest.mark.parametrize("app", OUR_APPS)
def test_apps_import_only_apps_below_them(app):
    below = set(OUR_APPS[: OUR_APPS.index(app)])
    upward = {path: apps - below for path, apps in app_imports(app).items() if apps - below}
    assert upward == {path: apps for path, apps in KNOWN_UPWARD.items() if path.startswith(f"{app}/")}


def test_nothing_below_attendance_imports_it():
    for app in OUR_APPS[:-1]:
        assert {path for path, apps in app_imports(app).items() if "attendance" in apps} == set()
