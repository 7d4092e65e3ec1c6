"""`python -m evals` (and `assistant eval`): run an eval, compare two runs, or redraw a report.

python -m evals evals/data/seeds.jsonl --corpus seeds/ --out evals/runs/seed
python -m evals --benchmark multihop-rag --queries QUERIES --corpus CORPUS
python -m evals compare RUN_A RUN_B
python -m evals report RUN
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError, InputError


def _eval_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant eval",
        description="Ask every case of FILE, score the answers, write a run folder and a report."
        " Also: `assistant eval compare RUN_A RUN_B`, `assistant eval report RUN`.",
    )
    parser.add_argument("file", nargs="?", type=Path, help="Case JSONL (see evals/README.md).")
    parser.add_argument(
        "--benchmark",
        choices=["multihop-rag", "realtimeqa"],
        help="Read --queries (or FILE) as this benchmark's query file.",
    )
    parser.add_argument("--queries", type=Path, help="Benchmark query file (with --benchmark).")
    parser.add_argument(
        "--corpus",
        type=Path,
        nargs="+",
        action="extend",
        default=[],
        metavar="PATH",
        help="Articles to index first (files or folders); unchanged ones are reused.",
    )
    parser.add_argument(
        "--index", type=Path, help="Index folder (default: <out>/index with --corpus)."
    )
    parser.add_argument("--limit", type=int, help="Evaluate only the first N cases.")
    parser.add_argument("--out", type=Path, help="Run folder (default: evals/runs/<file>-<time>).")
    parser.add_argument(
        "--json", action="store_true", help="Print summary.json instead of a table."
    )
    parser.add_argument("--floors", type=Path, help='JSON {"metric": {"min": x} | {"max": y}}.')
    parser.add_argument("--no-report", action="store_true", help="Skip report.md and the figures.")
    parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")
    parser.add_argument(
        "--llm",
        choices=["llamacpp", "openai", "ollama"],
        help="Answer with this LLM backend (default: answer.llm from the settings).",
    )
    parser.add_argument(
        "--pair",
        action="store_true",
        help="Run the extractive answerer and --llm on the same retrieved passages; writes "
        "OUT/extractive and OUT/llm and prints their comparison.",
    )
    return parser


def _compare_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant eval compare", description="Print metric deltas from run A to run B."
    )
    parser.add_argument("run_a", type=Path, help="Baseline run folder.")
    parser.add_argument("run_b", type=Path, help="New run folder.")
    parser.add_argument("--json", action="store_true", help="Print the deltas as JSON.")
    return parser


def _report_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant eval report", description="Write report.md and figures for a run folder."
    )
    parser.add_argument("run", type=Path, help="Run folder.")
    return parser


def _run_compare(argv: Sequence[str]) -> int:
    from evals.compare import compare, compare_json

    args = _compare_parser().parse_args(argv)
    for run in (args.run_a, args.run_b):
        if not (run / "summary.json").is_file():
            raise InputError(f"no summary.json in {run} — pass a folder written by assistant eval")
    if args.json:
        print(compare_json(args.run_a, args.run_b))
    else:
        compare(args.run_a, args.run_b)
    return 0


def _run_report(argv: Sequence[str]) -> int:
    from evals.report import write_report

    args = _report_parser().parse_args(argv)
    print(write_report(args.run))
    return 0


def _run_eval(argv: Sequence[str]) -> int:
    from evals.printout import format_summary
    from evals.run import RunOptions, default_out, evaluate

    parser = _eval_parser()
    args = parser.parse_args(argv)
    cases_file = args.queries or args.file
    if cases_file is None:
        parser.error("give a case FILE, or --benchmark with --queries FILE")
    if args.limit is not None and args.limit <= 0:
        parser.error("--limit must be a positive number")
    out = args.out or default_out(cases_file)
    options = RunOptions(cases_file, out, args.corpus, args.index, args.limit, args.benchmark)
    settings = None
    if args.llm:
        from assistant.config import Settings

        base = Settings()
        settings = base.model_copy(
            update={"answer": base.answer.model_copy(update={"llm": args.llm})}
        )
    if args.pair:
        return _run_pair(options, settings, progress=not args.no_progress)
    summary = evaluate(options, settings, progress=not args.no_progress)
    if not args.no_report:
        from evals.report import write_report

        write_report(out)
    print(json.dumps(summary, indent=2) if args.json else format_summary(summary))
    run = json.loads((out / "settings.json").read_text(encoding="utf-8"))["run"]
    print(
        f"\nindex {run['index_seconds']:.0f} s, questions {run['questions_seconds']:.0f} s; "
        f"run written to {out}",
        file=sys.stderr,
    )
    return _gate(summary, args.floors)


def _run_pair(options: Any, settings: Any, *, progress: bool) -> int:
    from evals.compare import compare
    from evals.pair import run_pair
    from evals.run import load_run_cases, prepare_settings

    settings = prepare_settings(options, settings)
    if settings.answer.llm == "extractive":
        raise InputError("--pair compares an LLM with the extractive answerer — add --llm llamacpp")
    cases = load_run_cases(options.cases_file, options.benchmark)[: options.limit]
    run_pair(cases, settings, options.out, progress=progress)
    compare(options.out / "extractive", options.out / "llm")
    return 0


def _gate(summary: dict[str, Any], floors: Path | None) -> int:
    """Return 1 (after saying which metric failed) when a floor is not met, else 0."""
    if floors is None:
        return 0
    from evals.printout import check_floors

    try:
        limits = json.loads(floors.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InputError(f"cannot read floors {floors}: {error}") from error
    failures = check_floors(summary, limits)
    for failure in failures:
        print(f"FLOOR FAILED: {failure}", file=sys.stderr)
    if not failures:
        print(f"floors passed: all {len(limits)} metrics of {floors} are within their floors")
    return 1 if failures else 0


def _run_news(argv: Sequence[str]) -> int:
    from evals.news import main as news_main

    return news_main(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evals CLI on argv (default: sys.argv[1:]) and return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"compare": _run_compare, "report": _run_report, "news": _run_news}
    try:
        if argv and argv[0] in commands:
            return commands[argv[0]](argv[1:])
        return _run_eval(argv)
    except AssistantError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
