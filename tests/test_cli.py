"""The CLI run in-process: full output asserted for the common commands."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import cli_commands
from assistant.cli import _parser, _settings, main
from assistant.config import IngestSettings, Settings
from assistant.index.registry import register_embedder
from assistant.ingest import build_index
from assistant.ingest.pipeline import IngestReport
from tests.conftest import DATA, ROOT, SEED_QUESTION, SEEDS
from tests.test_scale import HashEmbedder


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
    args = _parser().parse_args(["ask", "q", "--no-rerank", "--mode", "bm25"])
    settings = _settings(args)
    assert (settings.retrieve.rerank, settings.retrieve.mode) == (False, "bm25")
    assert _settings(_parser().parse_args(["ask", "q"])).retrieve.rerank is True


# --- the CLI contract: one `Error: …` line naming the next step, a non-zero exit, no traceback

FAKE = IngestSettings(embed_model="test-hash-embedder")

# (args, exit code, phrase in the Error line); {file} is a file, {tmp} the test folder,
# {empty} a folder with only a PDF, {bad} a JSONL file with no usable record, {index} a tiny index
FAILURES = [
    (
        ["ask", "q", "--index", "{file}"],
        1,
        "--index {file} is a file, not a folder — give a folder for the index",
    ),
    (["ingest", str(DATA), "--index", "{file}"], 1, "is a file, not a folder"),
    (["info", "--index", "{file}/sub"], 1, "is inside the file {file}, not a folder"),
    (["ask", "q", "--k", "0"], 2, "argument --k: must be 1 or more, got 0"),
    (["ask", "q", "--k", "-3"], 2, "must be 1 or more, got -3"),
    (["chat", "--k", "two"], 2, "expected a whole number, got 'two' — see: assistant chat -h"),
    (
        ["ask", "q", "--since", "2023-12-01", "--until", "2023-11-01"],
        2,
        "--since 2023-12-01 is after --until 2023-11-01 — swap them",
    ),
    (["ask", "q", "--since", "12/01/2023"], 2, "expected a date as YYYY-MM-DD"),
    (["chat", "--today", "2023-02-30"], 2, "expected a date as YYYY-MM-DD"),
    (["ask", ""], 2, "the question is empty — ask one in quotes"),
    (["ask", "  \t"], 2, "the question is empty"),
    (["ask"], 2, "required: question — see: assistant ask -h"),
    (["ask", "q", "--bogus"], 2, "unrecognized arguments: --bogus — see: assistant ask -h"),
    (["ask", "q", "--mode", "fuzzy"], 2, "invalid choice: 'fuzzy'"),
    (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
    (["ui", "--port", "70000"], 2, "must be a port from 1 to 65535"),
    (["ask", "q", "--index", "{tmp}/none"], 1, "no index at {tmp}/none/ — build it with"),
    (["info", "--documents", "--index", "{tmp}/none"], 1, "no index at"),
    (["remove", "x.txt", "--index", "{tmp}/none"], 1, "no index at"),
    (
        ["remove", "{tmp}/x.txt", "--index", "{index}"],
        1,
        "no indexed article matches {tmp}/x.txt — list their origins with: assistant info "
        "--documents --index {index}",
    ),
    (["ingest", "{tmp}/missing", "--index", "{tmp}/idx"], 1, "no such file or folder"),
    (
        ["ingest", "{empty}", "--index", "{tmp}/idx"],
        1,
        "no .htm .html .json .jsonl .md .txt files in {empty}/",
    ),
    (["ingest", "{bad}", "--index", "{tmp}/idx"], 1, "no articles found in {bad}"),
]


@pytest.fixture
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings() name the hashed-words embedder, so building and asking need no model."""
    monkeypatch.setenv("ASSISTANT_INGEST__EMBED_MODEL", FAKE.embed_model)
    register_embedder(FAKE, HashEmbedder())


@pytest.fixture(scope="module")
def tiny_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of tests/data/articles.jsonl built once, with the hashed-words embedder."""
    register_embedder(FAKE, HashEmbedder())
    settings = Settings(index_dir=tmp_path_factory.mktemp("cli-index"), ingest=FAKE)
    build_index([DATA / "articles.jsonl"], settings)
    return settings.index_dir


def _error_line(err: str) -> str:
    """Return stderr's one `Error:` line, checking it is the last line and there is no traceback."""
    lines = err.splitlines()
    assert "Traceback" not in err
    assert [line for line in lines if line.startswith("Error:")] == lines[-1:], err
    return lines[-1]


@pytest.mark.parametrize(
    ("args", "code", "phrase"), FAILURES, ids=[" ".join(row[0]) or "empty" for row in FAILURES]
)
def test_each_failure_is_one_error_line(
    args: list[str],
    code: int,
    phrase: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fake_embedder: None,
    tiny_index: Path,
) -> None:
    (tmp_path / "file").write_text("not a folder")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "scan.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "bad.jsonl").write_text('{"title": "no body"}\nnot json\n')
    names = {
        "file": tmp_path / "file",
        "tmp": tmp_path,
        "empty": tmp_path / "empty",
        "bad": tmp_path / "bad.jsonl",
        "index": tiny_index,
    }
    assert main([arg.format(**names) for arg in args]) == code
    line = _error_line(capsys.readouterr().err)
    assert line.startswith("Error: ")
    assert phrase.format(**names) in line
    if "{empty}" in args or "{file}" in args:  # refused before anything was created
        assert not (tmp_path / "idx").exists()
        assert (tmp_path / "file").read_text() == "not a folder"


def test_bad_settings_in_the_environment_are_one_error_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSISTANT_RETRIEVE__K", "0")
    assert main(["info"]) == 1
    line = _error_line(capsys.readouterr().err)
    assert line.startswith("Error: invalid settings (retrieve.k: Input should be greater than 0)")
    assert line.endswith("— fix the ASSISTANT_* environment variables")


CLOSE_EARLY = """
import sys
from assistant.cli import main
from assistant.index.registry import register_embedder
from tests.test_cli import FAKE, HashEmbedder
register_embedder(FAKE, HashEmbedder())
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["-m", "assistant.cli", "-h"], 0),  # argparse drops help it cannot write, and exits 0
        (["-m", "assistant.cli", "info", "--documents", "--index", "{index}"], 141),
        (["-c", CLOSE_EARLY, "ask", "Who approved the bike lanes?", "--index", "{index}"], 141),
    ],
    ids=["help", "info", "ask"],
)
def test_a_closed_stdout_ends_quietly(args: list[str], code: int, tiny_index: Path) -> None:
    """`assistant ask … | head -1`: the reader is gone before the answer is written."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ASSISTANT_INGEST__EMBED_MODEL": FAKE.embed_model}
    proc = subprocess.Popen(
        [sys.executable, *(a.format(index=tiny_index) for a in args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the child can have written anything
    err = proc.stderr.read()
    proc.wait()
    proc.stderr.close()
    assert (proc.returncode, err) == (code, "")


def test_info_documents_lists_origins_that_remove_takes(
    tiny_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_embedder: None
) -> None:
    assert main(["info", "--documents", "--index", str(tiny_index)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 8
    assert lines[0] == (
        f"{DATA / 'articles.jsonl'}#1\t2024-01-16\tMillbrook Herald\t"
        "Millbrook council approves bike-lane budget"
    )
    assert main(["info", "--documents", "--json", "--index", str(tiny_index)]) == 0
    documents = json.loads(capsys.readouterr().out)
    assert [d["origin"] for d in documents] == [line.split("\t")[0] for line in lines]
    assert documents[0] == {
        "origin": f"{DATA / 'articles.jsonl'}#1",
        "title": "Millbrook council approves bike-lane budget",
        "source": "Millbrook Herald",
        "published_at": "2024-01-16T00:00:00+00:00",
        "chunks": 1,
    }
    index = str(tmp_path / "idx")
    assert main(["ingest", str(DATA / "articles.jsonl"), "--index", index]) == 0
    assert main(["remove", documents[0]["origin"], "--index", index]) == 0
    assert capsys.readouterr().out.endswith("removed 1 articles, 1 chunks\n")


def test_prune_lists_up_to_ten_origins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import assistant.ingest

    report = IngestReport(articles_unchanged=3, articles_removed=12)
    report.removed_origins = [f"/news/{n:02}.txt" for n in range(12)]  # type: ignore[attr-defined,unused-ignore]
    monkeypatch.setattr(assistant.ingest, "build_index", lambda *a, **kw: report)
    assert main(["ingest", str(DATA), "--prune", "--index", str(tmp_path / "idx")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == [
        "pruned 12 articles whose files are gone:",
        *(f"  /news/{n:02}.txt" for n in range(10)),
        "  … and 2 more",
    ]


def test_prune_removes_an_article_whose_file_is_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_embedder: None
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.txt").write_text(
            f"Story {name}\n\nThe council met on Monday about {name}."
        )
    index = str(tmp_path / "idx")
    assert main(["ingest", str(folder), "--index", index]) == 0
    (folder / "b.txt").unlink()
    capsys.readouterr()
    assert main(["ingest", str(folder), "--prune", "--index", index]) == 0
    out = capsys.readouterr().out
    assert "(1 unchanged, 0 replaced, 1 removed)" in out
    if "removed_origins" in IngestReport.__dataclass_fields__:  # the pipeline names them
        assert out.endswith(
            f"pruned 1 articles whose files are gone:\n  {folder.resolve()}/b.txt\n"
        )
    assert main(["info", "--documents", "--index", index]) == 0
    assert capsys.readouterr().out.startswith(f"{folder.resolve() / 'a.txt'}\t")


def test_demo_picks_demo_index() -> None:
    assert _settings(_parser().parse_args(["ui", "--demo"])).index_dir == Path("demo-index")
    other = _parser().parse_args(["ui", "--demo", "--index", "mine"])
    assert _settings(other).index_dir == Path("mine")
    assert _settings(_parser().parse_args(["ui"])).index_dir != Path("demo-index")


def test_demo_without_its_corpus_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_commands, "DEMO_CORPUS", tmp_path / "corpus.jsonl")
    assert main(["ui", "--demo"]) == 1
    line = _error_line(capsys.readouterr().err)
    assert line.startswith(f"Error: no demo corpus at {tmp_path / 'corpus.jsonl'} — ")
    assert not (tmp_path / "demo-index").exists()


def test_demo_builds_its_index_once(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_embedder: None,
) -> None:
    launched: list[Settings] = []
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_commands, "DEMO_CORPUS", DATA / "articles.jsonl")
    monkeypatch.setattr(cli_commands, "launch_ui", lambda s, host, port: launched.append(s))
    assert main(["ui", "--demo"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "building a demo index from 8 MultiHop-RAG articles (about 6 minutes on 2 cores; once)",
        "ingested 8 articles, 8 chunks (0 unchanged, 0 replaced, 0 removed); skipped 0",
    ]
    assert main(["ui", "--demo"]) == 0
    assert capsys.readouterr().out == ""
    assert [s.index_dir for s in launched] == [Path("demo-index")] * 2
    assert (tmp_path / "demo-index").is_dir()


def test_every_help_names_only_real_commands_and_flags() -> None:
    parser = _parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    flags = {
        name: {o for a in sub._actions for o in a.option_strings}
        for name, sub in [("", parser), *commands.choices.items()]
    }
    for name, sub in [("", parser), *commands.choices.items()]:
        text = sub.format_help()
        for command, named in re.findall(r"assistant (\w+)((?: --?[\w-]+)*)", text):
            assert command in flags, f"{name} -h names a command `{command}`"
            assert set(named.split()) <= flags[command] | {"-h"}, f"{name} -h: {named}"
        rest = re.sub(r"assistant \w+(?: --?[\w-]+)*", "", text)
        for flag in re.findall(r"(?<![\w-])--[a-z][\w-]*", rest):
            assert flag in flags[name], f"{name} -h names {flag}"
