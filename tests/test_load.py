"""Tests for assistant.ingest.load: real files in tmp_path, one format or failure per test."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.ingest.load import Skipped, iter_articles, load_articles
from assistant.schema import Article

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_90de7eadea1c8602.txt"
DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
# MultiHop-RAG is in the repo (ODC-BY); RealTime QA (no licence) only beside the checkout.
CORPORA = {
    "multihop-rag": ROOT / "evals/data/multihop-rag/corpus.jsonl",
    "realtimeqa": ROOT.parent / "shared/benchmarks/realtimeqa/corpus.jsonl",
}


def load_one(path: Path) -> Article:
    articles, skipped = load_articles([path])
    assert skipped == []
    assert len(articles) == 1
    return articles[0]


def skip_reason(path: Path, **kwargs: float) -> str:
    articles, skipped = load_articles([path], **kwargs)
    assert articles == []
    assert len(skipped) == 1
    assert skipped[0].path == path
    return skipped[0].reason


def test_seed_header_gives_metadata_and_body_text() -> None:
    article = load_one(SEED)
    assert article.title.startswith("Biden-Harris admin to allow Ukraine to use US long-range")
    assert article.author == "Hayden Cunningham"
    assert article.source == "The Postmillennial"
    assert article.published_at == datetime(2024, 11, 18, tzinfo=UTC)
    assert article.text.startswith("President Joe Biden")
    assert article.origin == str(SEED)
    assert len(article.id) == 16


@pytest.mark.parametrize("dash", ["-", "—"])
def test_seed_header_accepts_other_dashes(tmp_path: Path, dash: str) -> None:
    path = tmp_path / "seed.txt"
    path.write_text(f"date 2024-03-01 Title here\r\n\r\nBy A. Writer {dash} Daily\r\n\r\nBody.\r\n")
    article = load_one(path)
    assert (article.title, article.author, article.source) == ("Title here", "A. Writer", "Daily")
    assert article.text == "Body."


def test_plain_text_without_heading_uses_file_name(tmp_path: Path) -> None:
    path = tmp_path / "harbour_road-closure.txt"
    content = "The road closed on Monday. It reopens on Friday.\nMore later."
    path.write_text(content + "\n\n")
    article = load_one(path)
    assert article.title == "Harbour road closure"
    assert article.text == content
    assert (article.author, article.source, article.published_at) == (None, None, None)


def test_markdown_heading_becomes_title(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# Museum reopens\n\nThe museum reopened on Saturday.\n")
    article = load_one(path)
    assert article.title == "Museum reopens"
    assert article.text == "# Museum reopens\n\nThe museum reopened on Saturday."


def test_ids_are_stable(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Same text, same id.")
    assert load_one(path).id == load_one(path).id


HTML = """<!doctype html>
<html><head>
<title>Fallback title</title>
<meta property="og:title" content="Rail strike halts trains">
<meta property="og:site_name" content="The Commuter Post">
<meta property="og:url" content="https://example.com/strike">
<meta property="article:published_time" content="2024-05-20T07:30:00+01:00">
<meta name="author" content="Gareth Lloyd">
<style>p { color: red }</style>
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<header><h1>Site banner</h1></header>
<article>
  <p>Train drivers walked out
     on Monday.</p>
  <!-- an editor's comment -->
  <p>Talks resume <b>next</b> week.<br>Buses run.</p>
  <script>var tracking = "do not index";</script>
  <aside>Related: other stories</aside>
</article>
<footer>Copyright</footer>
</body></html>
"""


def test_html_main_text_and_meta(tmp_path: Path) -> None:
    path = tmp_path / "strike.html"
    path.write_text(HTML)
    article = load_one(path)
    assert article.title == "Rail strike halts trains"
    assert (
        article.text == "Train drivers walked out on Monday.\n\nTalks resume next week.\nBuses run."
    )
    assert article.source == "The Commuter Post"
    assert article.author == "Gareth Lloyd"
    assert article.url == "https://example.com/strike"
    assert article.published_at == datetime(2024, 5, 20, 6, 30, tzinfo=UTC)


def test_html_falls_back_to_title_tag_time_and_canonical(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_text(
        '<html><head><title>Plain page</title><link rel="canonical" href="https://e.com/p">'
        '</head><body><main><time datetime="2024-02-02">Feb 2</time><p>Body text.</p></main>'
        "</body></html>"
    )
    article = load_one(path)
    assert (article.title, article.url) == ("Plain page", "https://e.com/p")
    assert article.published_at == datetime(2024, 2, 2, tzinfo=UTC)
    assert article.text == "Feb 2\n\nBody text."


def test_json_list_of_records(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    records = [
        {"title": "One", "text": "First.", "date": "2024-01-01", "authors": ["A", "B"]},
        {"title": "Two", "content": "Second.", "source": {"name": "Wire"}, "id": 7},
        {"title": "No text", "body": "   "},
    ]
    path.write_text(json.dumps(records))
    articles, skipped = load_articles([path])
    assert [a.title for a in articles] == ["One", "Two"]
    assert articles[0].author == "A, B"
    assert articles[0].origin == f"{path}#0"
    assert (articles[1].id, articles[1].source) == ("7", "Wire")
    assert skipped == [Skipped(path, "record 2: no text (body, text or content)")]


def test_json_record_without_title_gets_one_from_url(tmp_path: Path) -> None:
    path = tmp_path / "untitled.jsonl"
    url = "https://www.cnn.com/2022/07/10/media/thor-love-and-thunder/index.html"
    path.write_text(json.dumps({"title": None, "url": url, "text": "CNN —\n\nBody."}))
    article = load_one(path)
    assert article.title == "Thor love and thunder"
    assert article.text == "CNN —\n\nBody."


def test_seed_header_without_body_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "header-only.txt"
    path.write_text(" date 2024-11-18 Title\n\nBy A \u2013 B\n\n")
    assert skip_reason(path) == "no text after the header"


def test_json_object_with_articles_list(tmp_path: Path) -> None:
    path = tmp_path / "wrapped.json"
    path.write_text(json.dumps({"articles": [{"title": "T", "body": "B."}]}))
    assert load_one(path).text == "B."


def test_jsonl_bad_line_is_skipped_with_line_number(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    good = json.dumps({"id": "x1", "title": "Good", "body": "Fine.", "published": "2024-06-01"})
    later = json.dumps({"id": "x2", "title": "Later", "body": "Still loads."})
    path.write_text(f"{good}\n{{not json\n\n{later}\n")
    articles, skipped = load_articles([path])
    assert [a.id for a in articles] == ["x1", "x2"]
    assert [a.origin for a in articles] == [f"{path}#1", f"{path}#4"]
    assert len(skipped) == 1
    assert skipped[0].reason.startswith("line 2: not valid JSON")


def test_dates_in_several_forms() -> None:
    from assistant.ingest.load import _parse_date

    expected = datetime(2023, 10, 1, 14, 0, 29, tzinfo=UTC)
    assert _parse_date("2023-10-01 14:00:29.000000000Z") == expected
    assert _parse_date("2023-10-01T16:00:29+02:00") == expected
    assert _parse_date("2023-10-01") == datetime(2023, 10, 1, tzinfo=UTC)
    assert _parse_date("Sun, 01 Oct 2023 14:00:29 GMT") == expected
    assert _parse_date("last Tuesday") is None


def test_non_utf8_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café crème".encode("latin-1"))
    assert skip_reason(path) == "not UTF-8 text"


def test_binary_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    assert skip_reason(path) == "binary file"


def test_empty_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "blank.md"
    path.write_text("  \n\t\n")
    assert skip_reason(path) == "empty file"


def test_too_large_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    assert skip_reason(path, max_file_mb=0.001) == "larger than 0.001 MB"


def test_unsupported_file_named_explicitly_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7")
    assert skip_reason(path).startswith("unsupported file type .pdf")


def test_missing_path_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        load_articles([tmp_path / "nowhere"])


def test_folder_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    # Sorted by relative path; hidden entries and other extensions are passed over silently.
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "deeper" / "z.md").write_text("# Zed\n\nText.")
    (tmp_path / "b" / "a.txt").write_text("Alpha text.")
    (tmp_path / "c.html").write_text("<p>Charlie text.</p>")
    (tmp_path / "a.json").write_text(json.dumps({"title": "From JSON", "body": "J."}))
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF")
    (tmp_path / ".secret.txt").write_text("hidden")
    (tmp_path / ".hidden" / "x.txt").write_text("hidden")
    items = list(iter_articles([tmp_path]))
    assert [Path(item.origin).name for item in items if isinstance(item, Article)] == [
        "a.json",
        "a.txt",
        "z.md",
        "c.html",
    ]


def test_test_corpus_loads() -> None:
    articles = load_one_each(DATA / "articles.jsonl")
    assert [a.id for a in articles] == [f"t{n}" for n in range(1, 9)]
    assert all(a.published_at and a.source and a.author and a.url for a in articles)
    questions = (DATA / "questions.jsonl").read_text().splitlines()
    assert {json.loads(line)["article_id"] for line in questions} == {a.id for a in articles}


def load_one_each(path: Path) -> list[Article]:
    articles, skipped = load_articles([path])
    assert skipped == []
    return articles


@pytest.mark.parametrize(("name", "count"), [("multihop-rag", 609), ("realtimeqa", 1637)])
def test_benchmark_corpora_load(name: str, count: int) -> None:
    path = CORPORA[name]
    if not path.exists():
        pytest.skip(f"{path} is not in a clone (RealTime QA states no licence)")
    articles = load_one_each(path)
    assert len(articles) == count
    assert len({a.id for a in articles}) == count
    assert all(a.title and a.text and a.published_at for a in articles)
    assert all(a.published_at and a.published_at.tzinfo is UTC for a in articles)
