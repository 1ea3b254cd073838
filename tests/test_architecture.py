"""The library's shape, checked from its import graph (source parsed with `ast`, nothing imported).

* Layers (docs/DESIGN.md draws them): no module imports a module of a higher layer.
* No import cycles, lazy imports inside functions included.
* Package `__init__` files import nothing, so importing one module never loads its siblings; that is why a
  package's `__init__.py` is a stage dependency only when a stage imports a name from it.
* Every dvc.yaml stage lists under `deps` exactly the src/ modules its script imports, transitively (lazy
  imports included), so a code change re-runs every stage it can affect and no other.

Imports under `if TYPE_CHECKING:` count like any other: they do not run, but a type is part of the interface.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "playlistrec"
# Lowest first; a module is in the layer of the longest prefix naming it (the module or a package above it).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "foundation",
        (
            "playlistrec",
            "playlistrec.text",
            "playlistrec.process",
            "playlistrec.io",
            "playlistrec.paths",
            "playlistrec.workers",
        ),
    ),
    (
        "data and ranking",
        (
            "playlistrec.mpd",
            "playlistrec.mpd_stats",
            "playlistrec.realism",
            "playlistrec.synth",
            "playlistrec.truth",
            "playlistrec.vectors",
            "playlistrec.encoders",
            "playlistrec.embedding_cache",
            "playlistrec.llm",
            "playlistrec.clustering",
            "playlistrec.cf",
            "playlistrec.split",
            "playlistrec.finetune",
            "playlistrec.recommenders.data",
            "playlistrec.recommenders.ranking",
            "playlistrec.recommenders.query_encoder",
            "playlistrec.artefacts",
            "playlistrec.metrics",
            "playlistrec.scenarios",
        ),
    ),
    ("models", ("playlistrec.recommenders",)),
    ("registry", ("playlistrec.recommenders.registry",)),
    ("applications", ("playlistrec.evaluate", "playlistrec.service", "playlistrec.submission", "playlistrec.plots")),
    ("front ends", ("playlistrec.cli", "playlistrec.web")),
)


def module_files() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its `__init__.py`)."""
    modules = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


MODULES = module_files()


def imports_of(path: Path, module: str | None = None) -> set[str]:
    """The package's modules that the file imports anywhere (top level, in functions, under TYPE_CHECKING).

    `from a.b import c` imports module `a.b.c` when there is one, else module `a.b` (c is a name in it).
    `module` is the file's own dotted name, to resolve relative imports. An import of a module of the
    package that does not exist fails the calling test.
    """
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if alias.name.split(".")[0] == PACKAGE]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                assert module is not None, f"{path}: relative import outside the package"
                package = module if path.name == "__init__.py" else module.rpartition(".")[0]
                package = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{package}.{base}" if base else package
            if base.split(".")[0] != PACKAGE:
                continue
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for name in names:
            assert name in MODULES, f"{path.relative_to(ROOT)} imports {name}, which is not a module of {PACKAGE}"
        found.update(names)
    return found


GRAPH = {module: imports_of(path, module) - {module} for module, path in MODULES.items()}


def layer_of(module: str) -> int:
    """Index of the module's layer in LAYERS; the package root only names its own `__init__.py`."""
    matches = [
        (len(prefix), index)
        for index, (_, prefixes) in enumerate(LAYERS)
        for prefix in prefixes
        if module == prefix or (prefix != PACKAGE and module.startswith(prefix + "."))
    ]
    assert matches, f"{module} is in no layer: add it to LAYERS (and docs/DESIGN.md)"
    return max(matches)[1]


def closure(modules: set[str]) -> set[str]:
    """`modules` and every module they import, transitively."""
    seen, todo = set(), list(modules)
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(GRAPH[module])
    return seen


def test_no_module_imports_a_higher_layer():
    upward = [
        f"{module} ({LAYERS[layer_of(module)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
        for module, targets in GRAPH.items()
        for target in sorted(targets)
        if layer_of(target) > layer_of(module)
    ]
    assert not upward, "\n".join(upward)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules in order, the first repeated at the end), or None."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" once fully explored
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = "done"
        return None

    return next((cycle for module in sorted(graph) if module not in state and (cycle := visit(module))), None)


def test_the_import_graph_has_no_cycle():
    assert find_cycle(GRAPH) is None, " -> ".join(find_cycle(GRAPH) or [])


def test_the_checks_can_fail():
    """The cycle finder and the layer rule flag a made-up upward import and cycle."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    assert layer_of("playlistrec.recommenders.data") < layer_of("playlistrec.recommenders.title")
    assert layer_of("playlistrec.recommenders.als") == layer_of("playlistrec.recommenders.blend")  # a new model
    assert layer_of("playlistrec.recommenders.registry") < layer_of("playlistrec.evaluate.run")
    assert layer_of("playlistrec.service") < layer_of("playlistrec.web.app")
    with pytest.raises(AssertionError, match="in no layer"):
        layer_of("playlistrec.newcomer")


def test_package_inits_import_nothing():
    for module, path in MODULES.items():
        if path.name == "__init__.py":
            imports = [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Import | ast.ImportFrom)]
            assert all(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in imports), module


def stages() -> dict[str, dict]:
    return yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]


@pytest.mark.parametrize("name", list(stages()))
def test_stage_deps_list_exactly_the_modules_it_imports(name):
    stage = stages()[name]
    script = re.search(r"python (stages/\S+\.py)", stage["cmd"])
    assert script, f"{name}: no `python stages/<name>.py` in its cmd"
    deps = set(stage["deps"])
    assert script[1] in deps, f"{name}: its script {script[1]} is not a dep"
    imported = closure(imports_of(ROOT / script[1]))
    expected = {MODULES[module].relative_to(ROOT).as_posix() for module in imported}
    listed = {dep for dep in deps if dep.startswith("src/")}
    assert listed == expected, f"{name}: missing {sorted(expected - listed)}, not imported {sorted(listed - expected)}"
