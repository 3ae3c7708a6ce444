"""The layers of docs/architecture.md hold: read from the source, function-level imports too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "matchmaker"

# Waiting for the shared access helper (issue #18, request kernel).
_VIEWS_STILL_IMPORTING_VIEWS = {("matchmaker.views.lot_files", "matchmaker.views.lot_editor")}
# Added by features merged after the move to cli.py/templating.py; to move there too.
_VIEWS_STILL_REGISTERING = {"matchmaker.views.matching", "matchmaker.views.imports"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str) -> set[tuple[str, str]]:
    """(module, imported name) pairs; a submodule imported by `from package import sub` is
    recorded as (package.sub, "")."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update((alias.name, "") for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add((sub, "") if sub in MODULES else (base, alias.name))
    return found


def _internal_imports(name: str) -> set[str]:
    return {module for module, _ in _imports(name) if module in MODULES}


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


SERVICES = [name for name in MODULES if _within(name, "matchmaker.services")]


@pytest.mark.parametrize("service", SERVICES)
def test_services_import_neither_forms_nor_views(service):
    assert not {m for m in _internal_imports(service)
                if _within(m, "matchmaker.forms") or _within(m, "matchmaker.views")}


@pytest.mark.parametrize("service", SERVICES)
def test_services_do_not_read_the_request(service):
    flask_names = {name for module, name in _imports(service) if module == "flask"}
    assert not flask_names & {"request", "session", "url_for", "g"}


def test_models_and_pure_packages_stay_below_services():
    for name in MODULES:
        if _within(name, "matchmaker.models"):
            forbidden = ("matchmaker.services", "matchmaker.forms", "matchmaker.views")
        elif any(_within(name, f"matchmaker.{pure}")
                 for pure in ("lotsheet", "printing", "scheduler")):
            forbidden = ("matchmaker.services", "matchmaker.forms", "matchmaker.views",
                         "matchmaker.models", "matchmaker.extensions", "flask")
        else:
            continue
        modules = {module for module, _ in _imports(name)}
        assert not {m for m in modules for f in forbidden if _within(m, f)}, name


def test_views_do_not_import_other_views():
    for name in MODULES:
        if not _within(name, "matchmaker.views") or name == "matchmaker.views":
            continue
        other_views = {m for m in _internal_imports(name)
                       if _within(m, "matchmaker.views") and m not in (name, "matchmaker.views")}
        assert {(name, m) for m in other_views} <= _VIEWS_STILL_IMPORTING_VIEWS, name


def test_extensions_do_not_import_the_package_root():
    assert "matchmaker" not in _internal_imports("matchmaker.extensions")


def test_blueprints_register_no_commands_filters_or_context_processors():
    # create_app is the table of contents: commands live in cli.py, template helpers in
    # templating.py, so nothing hides inside a blueprint module.
    for name, path in MODULES.items():
        if _within(name, "matchmaker.views") and name not in _VIEWS_STILL_REGISTERING:
            source = path.read_text(encoding="utf-8")
            for hidden in ("bp.cli.", "bp.app_template_", "bp.app_context_processor"):
                assert hidden not in source, f"{name}: {hidden}"


def test_no_import_cycles_between_modules():
    # The package root only builds the app (lazily); `from matchmaker import x` means x. A
    # package importing its own submodules (to register them) is how packages work; a
    # submodule importing its package back is then not a cycle that can bite.
    graph = {name: {m for m in _internal_imports(name) - {name, "matchmaker"}
                    if not m.startswith(name + ".")}
             for name in MODULES}
    cycles = []
    visiting: list[str] = []
    state: dict[str, int] = {}

    def visit(node: str) -> None:
        state[node] = 1
        visiting.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(visiting[visiting.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        visiting.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert cycles == []
