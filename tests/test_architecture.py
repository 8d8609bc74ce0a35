"""The structure the code promises in docs/architecture.md, checked: the layer contract holds and
breaks on an upward import, modules and functions stay short, and the document names only
modules that exist."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["emulation", "blocs", "awards", "portal"]
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 80


def _our_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    command = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(command), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def copied_tree(tmp_path_factory):
    """The four packages and the contract, copied so a probe never touches the real tree."""
    tree = tmp_path_factory.mktemp("layers")
    for app in APPS:
        shutil.copytree(
            ROOT / app, tree / app, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_layer_contract_holds(copied_tree):
    result = _lint_imports(copied_tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("blocs/_probe.py", "import awards.models", "blocs is not allowed to import awards"),
        ("emulation/_probe.py", "from blocs import hooks", "emulation is not allowed to import"),
        ("awards/_probe.py", "import portal.views", "awards is not allowed to import portal"),
    ],
)
def test_an_upward_import_breaks_the_contract(copied_tree, module, line, broken):
    probe = copied_tree / module
    probe.write_text(f"{line}\n", encoding="utf-8")
    try:
        result = _lint_imports(copied_tree)
    finally:
        probe.unlink()
    assert result.returncode == 1
    assert broken in result.stdout


def test_a_cycle_inside_an_app_breaks_the_contract(copied_tree):
    probe = copied_tree / "emulation" / "text.py"
    original = probe.read_text(encoding="utf-8")
    probe.write_text(original + "\nimport emulation.pdf  # noqa\n", encoding="utf-8")
    try:
        result = _lint_imports(copied_tree)
    finally:
        probe.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert "No cycles are allowed in emulation" in result.stdout


def test_no_module_is_over_800_lines():
    long = {
        str(path.relative_to(ROOT)): count
        for path in _our_modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_is_over_80_lines():
    long = {}
    for path in _our_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = length
    assert long == {}


def test_the_architecture_document_names_only_modules_that_exist():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:emulation|blocs|awards|portal)(?:/[\w.]+)+)`", text))
    named |= {
        name.replace(".", "/")
        for name in re.findall(r"`((?:emulation|blocs|awards|portal)(?:\.\w+)+)`", text)
    }
    assert len(named) >= 20
    missing = sorted(
        name
        for name in named
        if not any(
            (ROOT / candidate).exists()
            for parent in [name.rsplit("/", 1)[0]]
            for candidate in (name, f"{name}.py", parent, f"{parent}.py")
        )
    )
    assert missing == []
