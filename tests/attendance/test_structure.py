"""The shape of the code, read from the source with ast (not by running it): apps depend downward
only, ``regions`` ← ``organizations`` ← ``workshops`` ← ``attendance``; inside ``attendance`` the
import modules depend one way, in the order the data flows; no function of ``attendance`` is
longer than a screen. (Complexity is ruff's C901, configured in pyproject.toml.)"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUR_APPS = ("regions", "organizations", "workshops", "attendance")
# Older upward imports, left for their own change: erasure and restore reach participations.
KNOWN_UPWARD = {
    "organizations/privacy.py": {"workshops"},
    "organizations/management/commands/restore.py": {"workshops"},
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


def test_regions_imports_none_of_our_apps():
    assert {path: apps for path, apps in app_imports("regions").items() if apps} == {}


def test_nothing_below_attendance_imports_it():
    for app in OUR_APPS[:-1]:
        assert {path for path, apps in app_imports(app).items() if "attendance" in apps} == set()


# The attendance import, in the order the data flows: each module imports only those before it
# (vocabulary and choices, the preview's questions, sit at the bottom).
IMPORT_FLOW = (
    "vocabulary",
    "choices",
    "rights",
    "sheets",
    "headers",
    "places",
    "rows",
    "people",
    "organisations",
    "days",
    "plan",
    "apply",
)
MAX_FUNCTION_LINES = 60


def attendance_module(name):
    """The IMPORT_FLOW entry a dotted module name belongs to, or None."""
    parts = name.split(".")
    if parts[0] != "attendance" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in IMPORT_FLOW else None


@pytest.mark.parametrize("module", IMPORT_FLOW)
def test_import_modules_depend_one_way_in_the_order_the_data_flows(module):
    package = ROOT / "attendance" / module
    paths = sorted(package.rglob("*.py")) if package.is_dir() else [package.with_suffix(".py")]
    allowed = set(IMPORT_FLOW[: IMPORT_FLOW.index(module) + 1])
    for path in paths:
        names = {attendance_module(name) for name in imported_modules(path)} - {None}
        others = {name for name in imported_modules(path) if name.split(".")[0] == "attendance"}
        assert names <= allowed, path
        # Nothing of the web side (views, staging, admin) below the import's entry point.
        assert all(attendance_module(name) for name in others if name != "attendance"), (path, others)


def long_functions(root):
    """``[(lines, "path:function")]`` of the functions under ``root`` over MAX_FUNCTION_LINES."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    found.append((lines, f"{path.relative_to(ROOT)}:{node.name}"))
    return found


def test_no_function_of_the_attendance_app_is_over_60_lines():
    assert long_functions(ROOT / "attendance") == []
