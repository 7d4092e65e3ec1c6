"""Evals for the news assistant: case files, benchmark loaders, metrics and the runner.

`evals` calls `assistant.ask` exactly as a user's script would; it is not part of `tests/`.
"""

from __future__ import annotations

from evals.dataset import EvalCase, load_cases, load_feedback

__all__ = ["EvalCase", "load_cases", "load_feedback"]
