"""The package's import layers: what each part of ``lstmzoo`` may import.

Every module is found with :func:`pkgutil.walk_packages` and parsed with :mod:`ast`; its imports
of ``lstmzoo`` modules (top-level, in functions, under ``TYPE_CHECKING``) become the edges of a
graph. The rules:

* ``lstmzoo.nn`` is pure torch: it imports neither Lightning nor any ``lstmzoo`` module outside
  ``lstmzoo.nn``;
* the modules import each other without cycles, at import time and counting the imports inside
  functions, except the documented :data:`ALLOWED_CYCLE_EDGES`;
* a module imports only modules of its own layer or of a lower one (:data:`LAYERS`, from the
  bottom up), except the documented :data:`ALLOWED_UPWARD_EDGES`.

A new module belongs to a layer: add its name to :data:`LAYERS` (the failure says so).
"""

from __future__ import annotations

import ast
import pkgutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import lstmzoo

ROOT = Path(lstmzoo.__file__).resolve().parent

#: The layers, from the bottom up: a module may import its own layer and the ones before it.
#: A name stands for the module and everything below it (``lstmzoo.data`` covers
#: ``lstmzoo.data.text.vocab``); the longest matching name decides. Within a layer, rooms
#: (``lstmzoo.weights``, ``lstmzoo.sweep``) are packages of their own that the layer's other
#: modules use through their public names.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "leaves",
        (
            "lstmzoo.errors",
            "lstmzoo.defaults",
            "lstmzoo.version",
            "lstmzoo.signatures",
            "lstmzoo.utils",
            "lstmzoo.argtypes",
            "lstmzoo.precision",
            "lstmzoo.recipes",
            "lstmzoo.checkpoint_file",
            "lstmzoo.torch_ties",
            "lstmzoo.lightning_ties",
        ),
    ),
    ("nn", ("lstmzoo.nn", "lstmzoo.heads")),
    ("data", ("lstmzoo.data",)),
    ("inference", ("lstmzoo.inference", "lstmzoo.explain")),
    ("models", ("lstmzoo.models",)),
    (
        "registry and loading",
        (
            "lstmzoo.registry",
            "lstmzoo.weights",
            "lstmzoo.factory",
            "lstmzoo.checkpoint",
            "lstmzoo.export",
            "lstmzoo.callbacks",
        ),
    ),
    (
        "commands",
        (
            "lstmzoo",  # the public front re-exports from the layers below
            "lstmzoo.cli",
            "lstmzoo.summary",  # the end-of-fit summary the CLI prints (lstmzoo.cli.output tables)
            "lstmzoo.sweep",
            "lstmzoo.viz",
            "lstmzoo.entry",
            "lstmzoo.__main__",
        ),
    ),
)

#: ``(importer prefix, imported module)``: imports against the layer order, each with its reason.
ALLOWED_UPWARD_EDGES: dict[tuple[str, str], str] = {
    ("lstmzoo.models", "lstmzoo.registry"): "the built-in models register themselves",
}

#: ``(importer, imported)``: the one import cycle, left out of the cycle check.
ALLOWED_CYCLE_EDGES: dict[tuple[str, str], str] = {
    ("lstmzoo.registry", "lstmzoo.models"): (
        "list_models / get_model_spec import lstmzoo.models on first use so that the built-in "
        "models register themselves (lstmzoo.models imports register_model)"
    ),
}

#: What ``lstmzoo.nn`` must never import (pure torch.nn building blocks).
NN_FORBIDDEN_ROOTS = ("lightning", "pytorch_lightning")
#: The package modules ``lstmzoo.nn`` may import: its own and the error types (a leaf of plain
#: Python: a head's unknown name or bad option is the same ConfigError, a ValueError, everywhere).
NN_ALLOWED = ("lstmzoo.nn", "lstmzoo.errors")


@dataclass(frozen=True)
class Import:
    """One import statement of a module: ``source`` imports ``target``."""

    source: str
    target: str  # the module as written (``lightning.pytorch``, ``lstmzoo.data.text``)
    path: Path
    line: int
    at_import_time: bool  # module level (not inside a function, not under TYPE_CHECKING)

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT.parent)}:{self.line}"

    def describe(self) -> str:
        when = "module level" if self.at_import_time else "inside a function"
        return f"{self.where()} ({self.source}) imports {self.target} [{when}]"


@cache
def modules() -> dict[str, Path]:
    """Every module of the package, by name, with its source file."""
    failed: list[str] = []
    found = {"lstmzoo": ROOT / "__init__.py"}
    for info in pkgutil.walk_packages([str(ROOT)], "lstmzoo.", onerror=failed.append):
        folder = Path(info.module_finder.path)  # type: ignore[union-attr]
        leaf = info.name.rpartition(".")[2]
        found[info.name] = folder / leaf / "__init__.py" if info.ispkg else folder / f"{leaf}.py"
    assert not failed, (
        f"packages that cannot be imported, so their modules went unchecked: {failed}"
    )
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports_of(name: str, path: Path) -> list[Import]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, at_import_time: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            at_import_time = False
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, False)
            for child in node.orelse:
                visit(child, at_import_time)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(name, alias.name, path, node.lineno, at_import_time))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            # ``from lstmzoo.data import text`` imports the submodule lstmzoo.data.text
            subs = [f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in modules()]
            for target in subs or [module]:
                found.append(Import(name, target, path, node.lineno, at_import_time))
        for child in ast.iter_child_nodes(node):
            visit(child, at_import_time)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), True)
    return found


@cache
def all_imports() -> tuple[Import, ...]:
    return tuple(imp for name, path in modules().items() for imp in _imports_of(name, path))


def _owner(target: str) -> str | None:
    """The package module an import of ``target`` runs: itself, or its nearest parent that is
    a module of the package (``from lstmzoo.weights.cards import X`` -> lstmzoo.weights.cards)."""
    known = modules()
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


def _internal(imp: Import) -> str | None:
    if imp.target != "lstmzoo" and not imp.target.startswith("lstmzoo."):
        return None
    return _owner(imp.target)


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _layer(name: str) -> int | None:
    best: tuple[int, int] | None = None  # (length of the matching name, layer index)
    for index, (_, names) in enumerate(LAYERS):
        for prefix in names:
            if _within(name, prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    return None if best is None else best[1]


# ---------------------------------------------------------------------------------- the walk


def test_the_walk_finds_every_module_file() -> None:
    files = {p.resolve() for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts}
    walked = {p.resolve() for p in modules().values()}
    missed = sorted(str(p.relative_to(ROOT.parent)) for p in files - walked)
    assert not missed, (
        f"modules outside the package's walk (a folder without __init__.py?): {missed}"
    )


def test_the_parser_sees_every_kind_of_import() -> None:
    imports = {(i.source, i.target, i.at_import_time) for i in all_imports()}
    # a module-level import, a function-level one, and one of a submodule of a room
    assert ("lstmzoo.factory", "lstmzoo.registry", True) in imports
    assert ("lstmzoo.registry", "lstmzoo.models", False) in imports
    assert ("lstmzoo.registry", "lstmzoo.weights.cards", False) in imports


# ---------------------------------------------------------------------------------- the rules


def test_nn_is_pure_torch() -> None:
    bad = []
    for imp in all_imports():
        if not _within(imp.source, "lstmzoo.nn"):
            continue
        root = imp.target.split(".")[0]
        internal = _internal(imp)
        if root in NN_FORBIDDEN_ROOTS:
            bad.append(f"{imp.describe()}: lstmzoo.nn must not import Lightning")
        elif internal is not None and not any(_within(internal, m) for m in NN_ALLOWED):
            bad.append(f"{imp.describe()}: lstmzoo.nn imports only {' and '.join(NN_ALLOWED)}")
    assert not bad, "\n".join(bad)


def _cycles(edges: dict[str, dict[str, Import]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, {}):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges.get(node, {}):
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _graph(at_import_time_only: bool) -> dict[str, dict[str, Import]]:
    """``{importer: {imported: the import statement}}``.

    At import time, importing ``a.b.c`` also runs the packages ``a.b`` and ``a`` (those that are
    not the importer's own parents): they are edges too, so that a cycle through a package's
    ``__init__`` is found. Counting the imports inside functions, only the module named is an
    edge: running a package's ``__init__`` does not run its functions.
    """
    edges: dict[str, dict[str, Import]] = {}
    for imp in all_imports():
        target = _internal(imp)
        if target is None or (at_import_time_only and not imp.at_import_time):
            continue
        own = {imp.source, *_ancestors(imp.source)}
        reached = [target, *_ancestors(target)] if at_import_time_only else [target]
        for module in reached:
            if module in own or module not in modules():
                continue
            if any(_within(imp.source, s) and module == d for s, d in ALLOWED_CYCLE_EDGES):
                continue
            edges.setdefault(imp.source, {}).setdefault(module, imp)
    return edges


def _shortest_cycle(component: list[str], edges: dict[str, dict[str, Import]]) -> list[Import]:
    """The import statements of one shortest cycle through ``component[0]``."""
    members, start = set(component), component[0]
    paths: dict[str, list[Import]] = {start: []}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt, imp in sorted(edges.get(node, {}).items()):
            if nxt == start:
                return [*paths[node], imp]
            if nxt in members and nxt not in paths:
                paths[nxt] = [*paths[node], imp]
                queue.append(nxt)
    return []


def _explain(cycles: list[list[str]], edges: dict[str, dict[str, Import]]) -> str:
    lines = []
    for component in cycles:
        members = set(component)
        loop = _shortest_cycle(component, edges)
        lines.append(f"cycle among {', '.join(component)}, for example:")
        lines.extend(f"  {imp.describe()}" for imp in loop)
        lines.append("  every import between these modules:")
        for src in component:
            for dst, imp in sorted(edges.get(src, {}).items()):
                if dst in members:
                    via = "" if _internal(imp) == dst else f" (which runs the package {dst})"
                    lines.append(f"    {imp.describe()}{via}")
    return "\n".join(lines)


def test_no_import_cycle_at_import_time() -> None:
    edges = _graph(at_import_time_only=True)
    cycles = _cycles(edges)
    assert not cycles, _explain(cycles, edges)


def test_no_import_cycle_counting_imports_inside_functions() -> None:
    """A function-level import breaks a cycle at run time, not in the design: one module of
    the cycle still cannot be understood, tested or moved without the others."""
    edges = _graph(at_import_time_only=False)
    cycles = _cycles(edges)
    assert not cycles, _explain(cycles, edges)


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(name for name in modules() if _layer(name) is None)
    assert not unplaced, f"modules without a layer: add them to LAYERS in {__file__}: {unplaced}"


def test_imports_follow_the_layer_order() -> None:
    bad = []
    for imp in all_imports():
        target = _internal(imp)
        source_layer, target_layer = _layer(imp.source), _layer(target) if target else None
        if target is None or source_layer is None or target_layer is None:
            continue
        if target_layer <= source_layer:
            continue
        if any(_within(imp.source, s) and _within(target, t) for s, t in ALLOWED_UPWARD_EDGES):
            continue
        bad.append(
            f"{imp.describe()}: the {LAYERS[source_layer][0]!r} layer must not import the "
            f"{LAYERS[target_layer][0]!r} layer above it"
        )
    assert not bad, "\n".join(bad)


def test_nn_and_data_import_no_models_commands_or_sweeps() -> None:
    """The core of the layer order, spelled out (it also holds if LAYERS is reshuffled)."""
    above = ("lstmzoo.models", "lstmzoo.cli", "lstmzoo.sweep", "lstmzoo.registry")
    bad = [
        imp.describe()
        for imp in all_imports()
        if (_within(imp.source, "lstmzoo.nn") or _within(imp.source, "lstmzoo.data"))
        and (target := _internal(imp)) is not None
        and any(_within(target, name) for name in above)
    ]
    assert not bad, "nn and data must not import models, the registry, the CLI or sweeps:\n" + (
        "\n".join(bad)
    )


def test_the_documented_exceptions_are_still_needed() -> None:
    """An allowed edge that no longer exists is a stale exception: remove it from the list."""
    internal = [(i.source, _internal(i)) for i in all_imports()]
    for src, dst in [*ALLOWED_UPWARD_EDGES, *ALLOWED_CYCLE_EDGES]:
        assert any(_within(s, src) and t is not None and _within(t, dst) for s, t in internal), (
            f"no module of {src} imports {dst} any more: drop the exception"
        )
