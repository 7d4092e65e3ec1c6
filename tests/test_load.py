"""Tests for assistant.ingest.load: real files in tmp_path, one format or failure per test."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.ingest.header import parse_date
from assistant.ingest.load import Skipped, iter_articles, load_articles
from assistant.schema import Article

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_90de7eadea1c8602.txt"
DATA = Path(__file__).resolve().parent / "data"
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
    title = "Biden-Harris admin to allow Ukraine to use US long-range missiles to attack targets"
    assert article.title == f"{title} within Russia: report"
    assert article.author == "Hayden Cunningham"
    assert article.source == "The Postmillennial"
    assert article.published_at == datetime(2024, 11, 18, tzinfo=UTC)
    # The body is the file after the byline, unchanged, so stored offsets and ids stay valid.
    raw = SEED.read_text()
    assert article.text == raw[raw.index("President Joe Biden") :].rstrip()
    assert article.text.startswith("President Joe Biden")
    assert article.origin == str(SEED)
    assert article.id == "58d28c2433994c35"


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


DAY = datetime(2023, 10, 1, tzinfo=UTC)
AT = datetime(2023, 10, 1, 14, 0, 29, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-10-01 14:00:29.000000000Z", AT),
        ("2023-10-01T16:00:29+02:00", AT),
        ("2023-10-01", DAY),
        ("Sun, 01 Oct 2023 14:00:29 GMT", AT),
        ("October 1, 2023", DAY),
        ("Oct. 1, 2023", DAY),
        ("Sunday, October 1st, 2023", DAY),
        ("1 October 2023", DAY),
        ("Sept 3, 2023", datetime(2023, 9, 3, tzinfo=UTC)),
        ("31 November 2023", None),
        ("last Tuesday", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_several_forms(value: str | None, expected: datetime | None) -> None:
    assert parse_date(value) == expected


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


def _day(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


BODY = "The council voted 7-2 on Tuesday to paint new bike lanes."
# (file name, content, title, source, author, published_at, text): one form of stated metadata each.
HEADERS = {
    "txt byline: By NAME – OUTLET, DATE": (
        "lanes.txt",
        "Council approves bike lanes\n\n"
        f"By Priya Natarajan – Lakeside Herald, 2026-11-20\n\n{BODY}\n",
        ("Council approves bike lanes", "Lakeside Herald", "Priya Natarajan", _day(2026, 11, 20)),
        f"Council approves bike lanes\n\n{BODY}",
    ),
    "md byline: *OUTLET — DATE — by NAME*": (
        "pass.md",
        f"# Snow closes the pass\n\n*Mountain Post — 2026-11-28 — by Lena Fischer*\n\n{BODY}\n",
        ("Snow closes the pass", "Mountain Post", "Lena Fischer", _day(2026, 11, 28)),
        f"# Snow closes the pass\n\n{BODY}",
    ),
    "By NAME - OUTLET": (
        "a.txt",
        f"Council approves bike lanes\nBy A. J. O'Neil - The Daily Post\n\n{BODY}",
        ("Council approves bike lanes", "The Daily Post", "A. J. O'Neil", None),
        f"Council approves bike lanes\n\n{BODY}",
    ),
    "By NAME, OUTLET, DATE with a month name": (
        "a.txt",
        "Council approves bike lanes\n\n"
        f"By Ana de la Cruz, Lakeside Herald, November 20, 2026\n\n{BODY}",
        ("Council approves bike lanes", "Lakeside Herald", "Ana de la Cruz", _day(2026, 11, 20)),
        f"Council approves bike lanes\n\n{BODY}",
    ),
    "By NAME. with a full stop, an initial keeps its own": (
        "a.txt",
        f"Council approves bike lanes\n\nBy Jane Doe. – Smith & Sons Co.\n\n{BODY}",
        ("Council approves bike lanes", "Smith & Sons Co.", "Jane Doe", None),
        f"Council approves bike lanes\n\n{BODY}",
    ),
    "By NAMES alone, on the line under the title": (
        "a.txt",
        f"Council approves bike lanes\nBy Jane Doe and Tom Lee\n{BODY}",
        ("Council approves bike lanes", None, "Jane Doe and Tom Lee", None),
        f"Council approves bike lanes\n{BODY}",
    ),
    "OUTLET, DATE": (
        "a.md",
        f"# Council approves bike lanes\n\n_Lakeside Herald, Nov. 20, 2026_\n\n{BODY}",
        ("Council approves bike lanes", "Lakeside Herald", None, _day(2026, 11, 20)),
        f"# Council approves bike lanes\n\n{BODY}",
    ),
    "Published DATE, after a standfirst": (
        "a.txt",
        f"Council approves bike lanes\n\nA 7-2 vote.\n\nPublished 20 November 2026\n\n{BODY}",
        ("Council approves bike lanes", None, None, _day(2026, 11, 20)),
        f"Council approves bike lanes\n\nA 7-2 vote.\n\n{BODY}",
    ),
    "a line that is just a date": (
        "a.txt",
        f"Council approves bike lanes\n\nFriday, November 20, 2026\n\n{BODY}",
        ("Council approves bike lanes", None, None, _day(2026, 11, 20)),
        f"Council approves bike lanes\n\n{BODY}",
    ),
    "byline first, no title: the file name is the title": (
        "bike_lanes.txt",
        f"By Priya Natarajan – Lakeside Herald, 2026-11-20\n\n{BODY}",
        ("Bike lanes", "Lakeside Herald", "Priya Natarajan", _day(2026, 11, 20)),
        BODY,
    ),
    "md front matter, quoted values, a list of authors, unknown keys": (
        "a.md",
        "---\n"
        'title: "Lanes: a 7-2 vote"\n'
        "published: November 20, 2026\n"
        "outlet: 'Lakeside Herald'\n"
        "authors:\n  - Priya Natarajan\n  - Tom Lee\n"
        "link: https://lakeside.example/lanes\n"
        "tags: [council, bikes]\n"
        "---\n\n"
        f"# Lanes: a 7-2 vote\n\n{BODY}\n",
        ("Lanes: a 7-2 vote", "Lakeside Herald", "Priya Natarajan, Tom Lee", _day(2026, 11, 20)),
        f"# Lanes: a 7-2 vote\n\n{BODY}",
    ),
    "txt front matter with a datetime; byline fills what it lacks": (
        "a.txt",
        "---\ntitle: Council approves bike lanes\ndate: 2026-11-20T18:30:00+01:00\n"
        "source: Lakeside Herald\nurl: https://lakeside.example/lanes\n---\n"
        f"By Priya Natarajan – Lakeside Gazette\n\n{BODY}",
        (
            "Council approves bike lanes",
            "Lakeside Herald",
            "Priya Natarajan",
            datetime(2026, 11, 20, 17, 30, tzinfo=UTC),
        ),
        BODY,
    ),
}
LEFT_ALONE = {
    "a short paragraph starting with By": "Council approves bike lanes\n\nBy the time it ended, "
    f"nobody cared.\n\n{BODY}",
    "a long paragraph starting with By": "Council approves bike lanes\n\nBy the time the council "
    "met on Tuesday, the budget had been cut by a third, and residents who came to protest found "
    f"the doors locked.\n\n{BODY}",
    "By WEEKDAY, DATE in a sentence": "Council approves bike lanes\n\nBy Friday, 20 November "
    f"2026, the lanes must be painted.\n\n{BODY}",
    "a byline below the first paragraph": f"Council approves bike lanes\n\n{BODY} {BODY} {BODY}\n\n"
    "By Priya Natarajan – Lakeside Herald, 2026-11-20",
    "a section label with a date": "Council approves bike lanes\n\n"
    f"Analysis — Nov. 20, 2026\n\n{BODY}",
    "a rule around prose is not front matter": f"---\nCouncil approves bike lanes\n---\n\n{BODY}",
}


@pytest.mark.parametrize("case", HEADERS.values(), ids=HEADERS.keys())
def test_txt_and_md_metadata_from_front_matter_and_bylines(
    tmp_path: Path, case: tuple[str, str, tuple[str, str | None, str | None, datetime | None], str]
) -> None:
    name, content, expected, text = case
    (tmp_path / name).write_text(content)
    article = load_one(tmp_path / name)
    assert (article.title, article.source, article.author, article.published_at) == expected
    assert article.text == text


def test_front_matter_url_is_read(tmp_path: Path) -> None:
    name, content, *_ = HEADERS["txt front matter with a datetime; byline fills what it lacks"]
    (tmp_path / name).write_text(content)
    assert load_one(tmp_path / name).url == "https://lakeside.example/lanes"


@pytest.mark.parametrize("content", LEFT_ALONE.values(), ids=LEFT_ALONE.keys())
def test_text_that_is_not_a_byline_is_left_alone(tmp_path: Path, content: str) -> None:
    (tmp_path / "a.txt").write_text(content)
    article = load_one(tmp_path / "a.txt")
    assert (article.source, article.author, article.published_at) == (None, None, None)
    assert article.text == content


@pytest.mark.parametrize(
    "first_line", ["Storm Hits Coast — November 20, 2026", "By Design", "By Any Means Necessary"]
)
def test_headline_shaped_like_a_byline_stays_the_title(tmp_path: Path, first_line: str) -> None:
    (tmp_path / "a.txt").write_text(f"{first_line}\n\n{BODY}")
    article = load_one(tmp_path / "a.txt")
    assert (article.title, article.source, article.author) == (first_line, None, None)
    assert article.text == f"{first_line}\n\n{BODY}"


def test_front_matter_without_body_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("---\ntitle: Nothing yet\n---\n\n")
    assert skip_reason(path) == "no text after the header"
