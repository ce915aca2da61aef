"""Data flows one way: a step imports only earlier steps (STYLE.md; after great-tables' CI)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "diagnosis"

#: the pipeline, in order; a module may import only modules of its own or an earlier rank
STEPS = [
    ("errors", "reproducible", "plurals"),
    ("population",),
    ("town",),
    ("instrument",),
    ("read",),
    ("validate",),
    ("clean",),
    ("weight",),
    ("estimate",),
    ("evidence",),
    ("present",),
    ("report",),
]
#: entry points that sit above the pipeline and may use all of it
ENTRY_POINTS = {"__init__", "cli", "demo", "batch", "compare", "app", "annotate"}
RANK = {name: rank for rank, names in enumerate(STEPS) for name in names}


def _step(module: Path) -> str:
    return module.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(module: Path, package: Path = PACKAGE) -> list[tuple[str, list[str]]]:
    """(first-level diagnosis module, imported names) for every internal import."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    depth = len(module.relative_to(package).parts) - 1
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names = [a.name for a in node.names]
            if node.level == 0 and (node.module or "").startswith("diagnosis"):
                parts = node.module.split(".")[1:]
            elif node.level > depth:  # relative import leaving the subpackage
                parts = (node.module or "").split(".") if node.module else []
            else:
                continue
            if parts and parts[0]:
                found.append((parts[0], names))
            else:
                found.extend((n, []) for n in names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("diagnosis."):
                    found.append((alias.name.split(".")[1], []))
    return found


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_place_in_the_pipeline():
    unplaced = {_step(m) for m in _modules()} - set(RANK) - ENTRY_POINTS
    assert unplaced == set()


def test_no_step_imports_a_later_step_or_private_names_of_another():
    problems = []
    for module in _modules():
        step = _step(module)
        if step in ENTRY_POINTS:
            continue
        for target, names in _imports(module):
            if target == step:
                continue
            if target in ENTRY_POINTS or RANK.get(target, -1) > RANK[step]:
                problems.append(f"{module.relative_to(PACKAGE)} imports later step {target}")
            problems += [
                f"{module.relative_to(PACKAGE)} reaches into {target}.{n}"
                for n in names
                if n.startswith("_")
            ]
    assert problems == []


def test_the_checker_sees_backward_and_private_imports(tmp_path):
    package = tmp_path / "diagnosis"
    (package / "read").mkdir(parents=True)
    bad = package / "read" / "x.py"
    bad.write_text(
        "from ..validate import validate\nfrom diagnosis.instrument import _sheet\n"
        "from .frame import Responses\n",
        encoding="utf-8",
    )
    assert _imports(bad, package) == [
        ("validate", ["validate"]),
        ("instrument", ["_sheet"]),
    ]
