"""The house rules the code must keep (docs/architecture.md): imports point one way
(import-linter contracts in pyproject.toml), no module imports itself back through others,
and an import inside a function is there for start-up time only, saying so."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import tomllib

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "data", "nlp", "matching", "registry", "bot", "benchmarks")


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_import_linter_contracts_are_kept(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert len(_contracts()) >= 3
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0, capsys.readouterr().out


def _graph():
    sys.path.insert(0, str(ROOT))
    try:
        return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)
    finally:
        sys.path.remove(str(ROOT))


def test_no_module_imports_itself_back_through_others():
    graph = _graph()
    modules = sorted(graph.modules)
    edges = {m: [n for n in graph.find_modules_directly_imported_by(m) if n in graph.modules] for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:          # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in modules:
        if module not in index:
            visit(module)
    assert cycles == []


def _function_imports(path: Path):
    source = path.read_text()
    lines = source.split("\n")
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for sub in ast.walk(node):
            if isinstance(sub, ast.ImportFrom) and sub.level == 0 and (sub.module or "").split(".")[0] in PACKAGES:
                yield sub.lineno, lines
            elif isinstance(sub, ast.Import) and any(a.name.split(".")[0] in PACKAGES for a in sub.names):
                yield sub.lineno, lines


def test_an_import_inside_a_function_says_it_is_there_for_start_up():
    unexplained = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for lineno, lines in _function_imports(path):
                here, above = lines[lineno - 1], lines[lineno - 2] if lineno > 1 else ""
                if "start-up" not in here and "start-up" not in above:
                    unexplained.append(f"{path.relative_to(ROOT)}:{lineno}: {here.strip()}")
    assert unexplained == []


def test_the_layer_contract_names_every_module_of_nlp():
    """The contract that keeps extraction from importing the criteria compiler lists nlp's
    other modules by name: a new one must be added there."""
    contract = next(c for c in _contracts() if c["name"].startswith("patient-text extraction"))
    named = {name.strip() for layer in contract["layers"] for name in layer.replace("|", ":").split(":")}
    present = {p.stem for p in (ROOT / "nlp").glob("*.py") if p.stem != "__init__"}
    present |= {p.name for p in (ROOT / "nlp").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert present <= named, sorted(present - named)


def test_the_architecture_document_maps_every_module():
    text = (ROOT / "docs" / "architecture.md").read_text()
    missing = [str(path.relative_to(ROOT)) for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
               if path.name != "__init__.py" and f"`{path.name}`" not in text and f"{path.relative_to(ROOT)}" not in text]
    assert missing == []
