"""Imports point down: the import-linter contracts in pyproject.toml hold, and they catch a violation.

Also the house rules the contracts cannot see: no first-party import guarded by `except ImportError`, no
import of another module's private names, and every function-level import says why it is lazy.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# `lint-imports`, run by this interpreter (whatever folder its scripts were installed to).
LINT_IMPORTS = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"]
OPTIONAL_PACKAGES: tuple[str, ...] = ()  # layers that may not exist yet: checked as soon as they do
CONFIG = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
FIRST_PARTY = tuple(CONFIG["root_packages"]) + OPTIONAL_PACKAGES
# Files another change is rewriting; their function-level imports and private-name imports are listed in the
# layering report and are to be fixed there. Remove a file here once it follows the rules.
EXEMPT_FILES: set[str] = set()


def _ini(config: dict, root_packages: list[str]) -> str:
    """The TOML `[tool.importlinter]` table as an import-linter INI file (multi-line values for lists)."""

    def value(v: object) -> str:
        return "".join(f"\n    {x}" for x in v) if isinstance(v, list) else str(v)

    lines = ["[importlinter]", f"root_packages ={value(root_packages)}"]
    for contract in config["contracts"]:
        lines.append(f"\n[importlinter:contract:{contract['id']}]")
        lines += [f"{k} ={value(v)}" if isinstance(v, list) else f"{k} = {v}"
                  for k, v in contract.items() if k != "id"]
    return "\n".join(lines) + "\n"


def lint_imports(root: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """`lint-imports` over the packages under `root`, with the optional layers that exist there."""
    present = [p for p in OPTIONAL_PACKAGES if (root / p / "__init__.py").exists()]
    config = tmp_path / "importlinter.ini"
    config.write_text(_ini(CONFIG, list(CONFIG["root_packages"]) + present))
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([*LINT_IMPORTS, "--config", str(config), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def linter() -> None:
    if importlib.util.find_spec("importlinter") is None:
        pytest.fail("import-linter is missing: pip install -e '.[dev]' (or pip install import-linter)")


def test_import_contracts_hold(linter, tmp_path):
    done = lint_imports(REPO, tmp_path)
    assert done.returncode == 0, f"import-linter contracts broken:\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    assert "3 kept, 0 broken" in done.stdout


def test_contracts_catch_imports_that_point_up(linter, tmp_path):
    """A copy of the tree with forbidden imports added: each contract reports its own, and the optional
    `lexicon` layer is checked as soon as the package exists."""
    root = tmp_path / "tree"
    for package in FIRST_PARTY:
        if (REPO / package).is_dir():
            shutil.copytree(REPO / package, root / package, ignore=shutil.ignore_patterns("__pycache__", "*.md",
                                                                                       "*.toml", "*.txt"))
    with (root / "retrieval" / "filters.py").open("a") as fh:
        fh.write("\nimport sift.settings  # noqa: E402\n")
    with (root / "tools" / "relax.py").open("a") as fh:
        fh.write("\nfrom agent import state  # noqa: E402\n")
    with (root / "extraction" / "state.py").open("a") as fh:
        fh.write("\nimport training.train_extractor  # noqa: E402\n")
    (root / "lexicon").mkdir(exist_ok=True)
    (root / "lexicon" / "__init__.py").touch()
    (root / "lexicon" / "probe.py").write_text("from retrieval.filters import Filters  # noqa: F401\n")
    done = lint_imports(root, tmp_path)
    assert done.returncode == 1
    report = " ".join(done.stdout.split())  # the report wraps long lines
    assert "retrieval.filters -> sift.settings" in report
    assert "tools.relax -> agent.state" in report
    assert "extraction.state -> training.train_extractor" in report
    assert "lexicon.probe -> retrieval.filters" in report
    assert "0 kept, 3 broken" in report


# ---------------------------------------------------------------------------------------------- house rules
@functools.cache
def _sources() -> list[tuple[str, ast.Module, list[str]]]:
    out = []
    for package in FIRST_PARTY:
        for path in sorted((REPO / package).rglob("*.py")) if (REPO / package).is_dir() else []:
            text = path.read_text(encoding="utf-8")
            out.append((str(path.relative_to(REPO)), ast.parse(text), text.splitlines()))
    return out


def _module_name(rel: str) -> str:
    return rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def _imported(node: ast.Import | ast.ImportFrom, rel: str) -> list[tuple[str, list[str]]]:
    """(absolute module, imported names) of one import statement."""
    if isinstance(node, ast.Import):
        return [(a.name, []) for a in node.names]
    base = node.module or ""
    if node.level:
        parts = _module_name(rel).split(".")
        package = parts if rel.endswith("__init__.py") else parts[:-1]
        base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
    return [(base, [a.name for a in node.names])]


def test_no_first_party_import_is_treated_as_optional():
    bad = []
    for rel, tree, _ in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Try):
                continue
            catches = " ".join(ast.unparse(h.type) for h in node.handlers if h.type is not None)
            if "ImportError" not in catches and "ModuleNotFoundError" not in catches:
                continue
            for inner in node.body:
                for imp in ast.walk(inner):
                    if isinstance(imp, ast.Import | ast.ImportFrom):
                        for module, _ in _imported(imp, rel):
                            if module.split(".")[0] in FIRST_PARTY:
                                bad.append(f"{rel}:{imp.lineno} imports {module} under `except ImportError`")
    assert not bad, "our own modules are never missing; import them plainly:\n" + "\n".join(bad)


def test_no_module_imports_another_modules_private_names():
    bad = []
    for rel, tree, _ in _sources():
        if rel in EXEMPT_FILES:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for module, names in _imported(node, rel):
                    private = [n for n in names if n.startswith("_") and not n.startswith("__")]
                    if module.split(".")[0] in FIRST_PARTY and private and module != _module_name(rel):
                        bad.append(f"{rel}:{node.lineno} imports {', '.join(private)} from {module}")
    assert not bad, "make the name public (or move it) instead of importing a private one:\n" + "\n".join(bad)


def test_every_function_level_import_says_why_it_is_lazy():
    """Imports go at the top of the module, unless start-up time needs them inside a function: then a
    `# lazy: <reason>` comment on the import, or on the line above its group of imports, says so."""
    bad = []
    for rel, tree, lines in _sources():
        if rel in EXEMPT_FILES:
            continue
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for block in ast.walk(fn):
                body = getattr(block, "body", None)
                if not isinstance(body, list) or (block is not fn and isinstance(block, ast.FunctionDef |
                                                                                  ast.AsyncFunctionDef)):
                    continue
                group: list[ast.stmt] = []
                for stmt in [*body, None]:
                    if isinstance(stmt, ast.Import | ast.ImportFrom):
                        group.append(stmt)
                        continue
                    if group:
                        first, last = group[0].lineno - 1, group[-1].end_lineno or group[-1].lineno
                        said = any("lazy:" in line for line in lines[max(first - 1, 0):last])
                        if not said:
                            bad.append(f"{rel}:{group[0].lineno}: {lines[first].strip()}")
                        group = []
    assert not bad, ("move these imports to the top of the module, or say why start-up time needs them inside "
                     "the function (`# lazy: <reason>`):\n" + "\n".join(sorted(set(bad))))


def test_lint_imports_sees_every_first_party_package():
    """A new top-level package must be named in the contracts, or import-linter never looks at it."""
    packages = {p.parent.name for p in REPO.glob("*/__init__.py")} - {"tests"}
    missing = packages - set(FIRST_PARTY)
    assert not missing, f"add {sorted(missing)} to [tool.importlinter] root_packages and to a contract"
    for optional in OPTIONAL_PACKAGES:
        if importlib.util.find_spec(optional) is not None and (REPO / optional).is_dir():
            assert optional in " ".join(CONFIG["contracts"][0]["layers"])
