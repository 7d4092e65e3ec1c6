"""The import graph keeps its direction (docs/ARCHITECTURE.md), and modules stay small."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"

# package (or module) → what it must never import
FORBIDDEN = {
    "text": ("assistant.",),  # the floor: nothing of ours but itself
    "index": ("assistant.retrieve", "assistant.answer", "assistant.ingest", "assistant.web"),
    "ingest": ("assistant.retrieve", "assistant.answer", "assistant.web"),
    "answer": ("assistant.retrieve", "assistant.web", "assistant.ingest"),
    "chat": ("assistant.retrieve", "assistant.web"),
    "feedback": ("assistant.web",),
}
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _all_imports(path: Path) -> set[str]:
    """Return every module a file imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _imports(path: Path) -> set[str]:
    """Return the assistant modules a file imports (also inside functions and TYPE_CHECKING)."""
    return {n for n in _all_imports(path) if n == "assistant" or n.startswith("assistant.")}


def _owner(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


@pytest.mark.parametrize("owner", sorted(FORBIDDEN))
def test_no_arrow_points_the_wrong_way(owner: str) -> None:
    wrong = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules()
        if _owner(path) == owner
        for name in _imports(path)
        if any(name.startswith(bad) for bad in FORBIDDEN[owner])
        and not (owner == "text" and name.startswith("assistant.text"))
    ]
    assert not wrong, wrong


def test_only_the_store_touches_chromadb() -> None:
    """Server-mode errors are translated in index/store.py: nothing else may reach Chroma."""
    others = [
        str(path.relative_to(PACKAGE))
        for path in _modules()
        if path.relative_to(PACKAGE).as_posix() != "index/store.py"
        and (
            any(name.split(".")[0] == "chromadb" for name in _all_imports(path))
            or re.search(r"(?<!settings)\.store\.collection\b", path.read_text(encoding="utf-8"))
        )
    ]
    assert not others, f"go through VectorStore instead: {others}"


def test_no_module_is_over_the_size_limit() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these modules (over {MAX_LINES} lines): {long}"


def test_every_llm_backend_the_settings_name_has_a_loader() -> None:
    from assistant.answer.llm.backends import LOADERS
    from assistant.config import ANSWER_BACKENDS

    assert set(LOADERS) == set(ANSWER_BACKENDS) - {"extractive"}
