"""One small end-to-end eval run through the CLI with the real index, model and ask()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.slow

KEYS = {"n", "answer_match", "cited_answer_match", "citation_precision", "citation_validity",
        "refusal_recall", "refusal_precision", "false_refusal_rate", "hit@10", "mrr@10",
        "latency_p50_ms", "latency_p95_ms"}


def test_eval_run_writes_summary_rows_report_and_gates(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases.jsonl"
    lines = (ROOT / "evals/data/seeds.jsonl").read_text().splitlines()
    picked = [line for line in lines if '"answers": []' in line][:2] + [
        line for line in lines if '"answers": []' not in line][:4]
    cases.write_text("\n".join(picked) + "\n")
    out = tmp_path / "run"
    code = main(["eval", str(cases), "--corpus", str(SEEDS), "--out", str(out), "--no-progress"])
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary.keys() >= KEYS
    assert summary["n"] == 6
    assert summary["hit@10"] == 1.0
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(rows) == 6 and all("timings_ms" in row for row in rows)
    assert (out / "report.md").exists()
    assert "answer_match" in capsys.readouterr().out

    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"answer_match": {"min": 1.01}}))
    gated = main(["eval", str(cases), "--index", str(out / "index"), "--out", str(tmp_path / "r2"),
                  "--no-progress", "--no-report", "--floors", str(floors)])
    assert gated != 0
    assert "answer_match" in capsys.readouterr().err

    # The diagnosis of a failed case finds the retrieved sentence that holds the gold answer.
    from evals.gold_sentences import diagnose

    first = next(row for row in rows if row["accepted"])
    first["scores"]["answer_match"] = False  # as if it had been answered wrong
    (out / "results.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows if r["accepted"] and r is first) + "\n"
    )
    [found] = diagnose(out)
    assert found["id"] == first["id"] and found["bucket"] in ("top1", "top3", "top10")
    assert any(a.lower() in found["gold_sentence"].lower() for a in first["accepted"])
