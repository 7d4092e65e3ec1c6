"""The CLI run in-process: full output asserted for the common commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from tests.conftest import SEED_QUESTION, SEEDS


def test_missing_index_prints_the_next_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["ask", "anything", "--index", str(tmp_path / "none")])
    err = capsys.readouterr().err
    assert code == 1
    assert err == (
        f"Error: no index at {tmp_path / 'none'}/ — build it with: assistant ingest "
        f"seeds/ --index {tmp_path / 'none'}\n"
    )


def test_help_works_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (
        ["-h"],
        ["ingest", "-h"],
        ["ask", "-h"],
        ["chat", "-h"],
        ["info", "-h"],
        ["ui", "-h"],
        ["remove", "-h"],
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(command)
        assert exit_info.value.code == 0
    assert "--index" in capsys.readouterr().out


@pytest.mark.slow
def test_ingest_info_ask_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = str(tmp_path / "idx")
    assert main(["ingest", str(SEEDS), "--index", index]) == 0
    assert capsys.readouterr().out == (
        "ingested 1 articles, 1 chunks (0 unchanged, 0 replaced, 0 removed); skipped 0\n"
    )
    assert main(["ingest", str(SEEDS), "--index", index]) == 0
    assert capsys.readouterr().out == (
        "ingested 0 articles, 0 chunks (1 unchanged, 0 replaced, 0 removed); skipped 0\n"
    )
    assert main(["info", "--index", index]) == 0
    info = capsys.readouterr().out.splitlines()
    assert info[1:5] == [
        "articles:  1",
        "chunks:    1 (1 vectors)",
        "outlets:   1: The Postmillennial (1)",
        "dates:     2024-11-18 to 2024-11-18",
    ]
    assert main(["ask", SEED_QUESTION, "--index", index, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["answered"] is True
    assert "Biden" in answer["text"]
    assert answer["citations"][0]["source"] == "The Postmillennial"
    assert answer["citations"][0]["published_at"].startswith("2024-11-18")
    assert main(["ask", SEED_QUESTION, "--index", index]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("[1].")
    assert lines[2] == (
        "[1] Biden-Harris admin to allow Ukraine to use US long-range missiles to "
        "attack targets within Russia: report — The Postmillennial, 2024-11-18"
    )
    assert main(["ask", "What is the capital of Peru?", "--index", index]) == 0
    assert capsys.readouterr().out.startswith("The articles don't say")


def test_no_rerank_and_mode_reach_the_settings() -> None:
    from assistant.cli import _parser, _settings

    args = _parser().parse_args(["ask", "q", "--no-rerank", "--mode", "bm25"])
    settings = _settings(args)
    assert (settings.retrieve.rerank, settings.retrieve.mode) == (False, "bm25")
    assert _settings(_parser().parse_args(["ask", "q"])).retrieve.rerank is True
