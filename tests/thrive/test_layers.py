"""The layers, checked by reading the source (ast), lazy imports inside functions included:

- the core `thrive/` imports no app: apps register what the core needs (thrive.registry);
- the portal's parts import one way only: `portal.delegation` (tasks) may use
  `portal.people` and `portal.form_engine`; those two import neither each other nor
  `portal.delegation`. All three share `portal.models`.

The settings and the root URLconf name the apps as strings (INSTALLED_APPS, include()):
that is the project's wiring, not an import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("cases", "documents", "portal", "selfservice", "continuity")
# Each portal part, and the parts it must not import.
PORTAL_PARTS = {
    "portal.people": ("portal.delegation", "portal.form_engine"),
    "portal.form_engine": ("portal.people", "portal.delegation"),
    "portal.delegation": (),
}
IMPORTING_CALLS = {"import_module", "import_string", "__import__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module `source` (the module called `module`) imports, relative ones resolved,
    including modules named as literals to importlib.import_module and import_string."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module
            found.add(target)
            # "from portal import people" imports portal.people.
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) in IMPORTING_CALLS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def sources(package: str):
    for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py")):
        yield path, module_name(path)


def core_violations() -> list[str]:
    found = []
    for path, module in sources("thrive"):
        for name in imported_modules(path.read_text(), module, path.name == "__init__.py"):
            if any(within(name, app) for app in APPS):
                found.append(f"{module} imports {name}")
    return found


def portal_violations() -> list[str]:
    found = []
    for part, forbidden in PORTAL_PARTS.items():
        for path, module in sources(part):
            for name in imported_modules(path.read_text(), module, path.name == "__init__.py"):
                if any(within(name, other) for other in forbidden):
                    found.append(f"{module} imports {name}")
    return found


def test_the_core_imports_no_app():
    assert core_violations() == []


def test_the_portal_parts_import_one_way_only():
    assert portal_violations() == []


def test_every_portal_part_exists():
    for part in PORTAL_PARTS:
        assert (ROOT / part.replace(".", "/") / "__init__.py").exists(), part


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("from portal.people.accounts import x", "thrive.views", "portal.people.accounts"),
        ("import continuity.records", "thrive.context_processors", "continuity.records"),
        ("def f():\n    from cases.demo import load\n", "thrive.demo", "cases.demo"),
        ("import_module('documents.demo')", "thrive.demo", "documents.demo"),
        ("from ..delegation import services", "portal.people.views", "portal.delegation"),
        ("from .. import delegation", "portal.form_engine.pdf", "portal.delegation"),
        ("from ...delegation.forms import F", "portal.people.sub.mod", "portal.delegation.forms"),
    ],
)
def test_the_checker_sees_every_way_of_importing(source, module, expected):
    assert expected in imported_modules(source, module)


def test_a_relative_import_in_a_package_init_resolves_from_the_package():
    assert "portal.delegation" in imported_modules(
        "from ..delegation import x", "portal.people", True
    )
