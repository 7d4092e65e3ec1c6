"""Read article files and folders (txt, md, html, json, jsonl) into `Article` records."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from assistant.errors import InputError
from assistant.ingest.header import parse_date, read_header
from assistant.schema import Article

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag


_SEED_DATE = re.compile(r"^\s*date (\d{4}-\d{2}-\d{2})\s+(.+?)\s*$")
_BYLINE = re.compile(r"^\s*By (.+?)\s+[\u2013\u2014-]\s+(.+?)\s*$")
_LEADING_BLANK_LINES = re.compile(r"^(?:[ \t]*\n)+")
_DROPPED_TAGS = ["nav", "header", "footer", "aside", "script", "style", "noscript", "form"]
_DROPPED_TAGS += ["template", "svg", "iframe", "button"]
_BLOCK_TAGS = ["p", "div", "section", "article", "main", "li", "ul", "ol", "blockquote", "pre"]
_BLOCK_TAGS += ["table", "tr", "figure", "figcaption", "dl", "dt", "dd"]
_BLOCK_TAGS += ["h1", "h2", "h3", "h4", "h5", "h6"]


@dataclass(frozen=True)
class Skipped:
    """An input file (or record in it) that was not loaded, and why."""

    path: Path
    reason: str


def load_articles(
    paths: Sequence[Path], max_file_mb: float = 50.0
) -> tuple[list[Article], list[Skipped]]:
    """Return the articles found under `paths` and the files or records skipped."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for item in iter_articles(paths, max_file_mb):
        if isinstance(item, Article):
            articles.append(item)
        else:
            skipped.append(item)
    return articles, skipped


def iter_articles(paths: Sequence[Path], max_file_mb: float = 50.0) -> Iterator[Article | Skipped]:
    """Yield each article under `paths` in sorted order, and a `Skipped` for each unusable input."""
    for path in paths:
        if not Path(path).exists():
            raise InputError(f"no such file or folder: {path} — check the path and run again")
    for path in map(Path, paths):
        if path.is_dir():
            for file in _walk(path):
                yield from _load_file(file, max_file_mb)
        elif path.suffix.lower() in SUPPORTED:
            yield from _load_file(path, max_file_mb)
        else:
            kinds = ", ".join(sorted(SUPPORTED))
            yield Skipped(path, f"unsupported file type {path.suffix or '(none)'} (use {kinds})")


def _walk(root: Path) -> list[Path]:
    """Return the supported, non-hidden files under `root`, sorted by their path."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        found += [Path(folder) / name for name in files if not name.startswith(".")]
    found = [path for path in found if path.suffix.lower() in SUPPORTED]
    return sorted(found, key=lambda path: path.relative_to(root).parts)


def _load_file(path: Path, max_file_mb: float) -> Iterator[Article | Skipped]:
    """Yield the article(s) in one file, or why it was skipped."""
    text = _read_text(path, max_file_mb)
    if isinstance(text, Skipped):
        yield text
        return
    yield from PARSERS[path.suffix.lower()](path, text)


def _read_text(path: Path, max_file_mb: float) -> str | Skipped:
    """Return the file's text with `\\r\\n` made `\\n`, or why it cannot be used."""
    try:
        if path.stat().st_size > max_file_mb * 1024 * 1024:
            return Skipped(path, f"larger than {max_file_mb:g} MB")
        data = path.read_bytes()
    except OSError as exc:
        return Skipped(path, f"unreadable ({exc.strerror or exc})")
    if b"\x00" in data:
        return Skipped(path, "binary file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Skipped(path, "not UTF-8 text")
    if not text.strip():
        return Skipped(path, "empty file")
    return _normalise(text)


def _normalise(text: str) -> str:
    """Return `text` with Windows line ends made `\\n` and trailing whitespace removed."""
    return text.replace("\r\n", "\n").rstrip()


def _make_id(title: str, text: str) -> str:
    """Return a stable 16-hex-digit id from an article's title and text."""
    return hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:16]


def _readable_stem(path: Path) -> str:
    """Return a file name as a title: `bike_lane-budget.txt` → `Bike lane budget`."""
    words = re.sub(r"[_\-\s]+", " ", path.stem).strip()
    return (words[:1].upper() + words[1:]) or path.name


def _parse_text(path: Path, text: str) -> Article | Skipped:
    """Return a txt/md article: the seed header, else front matter, a heading and bylines."""
    seeded = _parse_seed(path, text)
    if seeded is not None:
        return seeded if seeded.text else Skipped(path, "no text after the header")
    header, body = read_header(text)
    if not body.strip():
        return Skipped(path, "no text after the header")
    title = header.title or _readable_stem(path)
    return Article(
        id=_make_id(title, body),
        title=title,
        text=body,
        source=header.source,
        author=header.author,
        published_at=header.published_at,
        url=header.url,
        origin=str(path),
    )


def _parse_seed(path: Path, text: str) -> Article | None:
    """Return the article for a ` date YYYY-MM-DD Title` / `By Author - Source` file, or None."""
    first, _, rest = text.partition("\n")
    header = _SEED_DATE.match(first)
    if header is None:
        return None
    rest = _LEADING_BLANK_LINES.sub("", rest)
    author = source = None
    line, _, after = rest.partition("\n")
    byline = _BYLINE.match(line)
    if byline is not None:
        author, source = byline.group(1), byline.group(2)
        rest = _LEADING_BLANK_LINES.sub("", after)
    title = header.group(2)
    return Article(
        id=_make_id(title, rest),
        title=title,
        text=rest,
        source=source,
        author=author,
        published_at=parse_date(header.group(1)),
        origin=str(path),
    )


def _parse_html(path: Path, html: str) -> Article | Skipped:
    """Return the main text and metadata of an HTML page, or why it has none."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    title_tag, h1 = soup.find("title"), soup.find("h1")
    title = (
        _meta(soup, "og:title")
        or (title_tag.get_text(" ", strip=True) if title_tag else None)
        or (h1.get_text(" ", strip=True) if h1 else None)
    )
    time_tag = soup.find("time", attrs={"datetime": True})
    date = _meta(soup, "article:published_time", "date", "pubdate") or (
        str(time_tag["datetime"]) if time_tag else None
    )
    canonical = soup.find("link", rel="canonical", href=True)
    url = _meta(soup, "og:url") or (str(canonical["href"]) if canonical else None)
    text = _html_text(soup)
    if not text:
        return Skipped(path, "no article text in HTML")
    title = title or _readable_stem(path)
    return Article(
        id=_make_id(title, text),
        title=title,
        text=text,
        source=_meta(soup, "og:site_name"),
        author=_meta(soup, "author", "article:author"),
        published_at=parse_date(date),
        url=url,
        origin=str(path),
    )


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    """Return the content of the first `<meta>` whose property or name is one of `names`."""
    for name in names:
        for attr in ("property", "name", "itemprop"):
            tag = soup.find("meta", attrs={attr: name, "content": True})
            if tag is not None and str(tag["content"]).strip():
                return str(tag["content"]).strip()
    return None


def _html_text(soup: BeautifulSoup) -> str:
    """Return the page's main text, one paragraph per block element, separated by blank lines."""
    from bs4.element import NavigableString

    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    main: Tag | BeautifulSoup = soup.find("article") or soup.find("main") or soup.body or soup
    for string in main.find_all(string=True):
        # Source newlines are just spaces in HTML; comments and doctypes keep their own type.
        if type(string) is NavigableString and not string.find_parent("pre"):
            string.replace_with(re.sub(r"\s+", " ", string))
    for br in main.find_all("br"):
        br.replace_with("\n")
    for block in main.find_all(_BLOCK_TAGS):
        block.insert_before("\n\n")
        block.insert_after("\n\n")
    lines = (line.strip() for line in main.get_text().split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _parse_jsonl(path: Path, text: str) -> Iterator[Article | Skipped]:
    """Yield one article per JSON line; a bad line is skipped with its 1-based line number."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(path, f"line {number}: not valid JSON ({exc.msg})")
            continue
        yield _record_article(path, record, f"{path}#{number}", f"line {number}")


def _parse_json(path: Path, text: str) -> Iterator[Article | Skipped]:
    """Yield the articles in a JSON object, list of objects, or `{"articles": [...]}`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Skipped(path, f"not valid JSON ({exc.msg} at line {exc.lineno})")
        return
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, dict):
        yield _record_article(path, data, str(path), "object")
    elif isinstance(data, list):
        for index, record in enumerate(data):  # 0-based, as the list index
            yield _record_article(path, record, f"{path}#{index}", f"record {index}")
    else:
        yield Skipped(path, "JSON holds no article object or list of objects")


def _record_article(path: Path, record: Any, origin: str, where: str) -> Article | Skipped:
    """Return the article in one JSON record, or why it was skipped."""
    if not isinstance(record, dict):
        return Skipped(path, f"{where}: not a JSON object")
    text = _body(record)
    if text is None:
        return Skipped(path, f"{where}: no text (body, text or content)")
    url = _first_text(record, "url")
    title = _first_text(record, "title") or _title_from(url, text)
    raw_id = record.get("id")
    return Article(
        id=str(raw_id) if raw_id not in (None, "") else _make_id(title, text),
        title=title,
        text=text,
        source=_name(record.get("source")) or _host(url),
        author=_name(record.get("author") or record.get("authors")),
        published_at=parse_date(_first_text(record, "published_at", "date", "published")),
        url=url,
        origin=origin,
    )


def _host(url: str | None) -> str | None:
    """Return a URL's site name (cnn.com) as the outlet when a record names none."""
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.").removeprefix("edition.") if host else None


def _body(record: dict[str, Any]) -> str | None:
    """Return the record's article text, kept as written apart from line ends, or None."""
    for key in ("body", "text", "content"):
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return _normalise(value)
    return None


def _first_text(record: dict[str, Any], *keys: str) -> str | None:
    """Return the first non-blank string value among `keys`, stripped, or None."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def _name(value: Any) -> str | None:
    """Return an author or outlet from a string, a list of names or a `{"name": ...}` object."""
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, list):
        value = ", ".join(str(name).strip() for name in value if str(name).strip())
    return (value.strip() or None) if isinstance(value, str) else None


def _title_from(url: str | None, text: str) -> str:
    """Return a stand-in title: the URL's last meaningful path segment, else the first line."""
    segments = urlsplit(url or "").path.split("/")
    segments = [s for s in segments if s and not re.fullmatch(r"index\.\w+|\d+", s)]
    if segments:
        return _readable_stem(Path(segments[-1]))
    return text.lstrip().split("\n", 1)[0][:100].strip()


Parser = Callable[[Path, str], Iterator["Article | Skipped"]]


def _one(parse: Callable[[Path, str], Article | Skipped]) -> Parser:
    def parse_one(path: Path, text: str) -> Iterator[Article | Skipped]:
        yield parse(path, text)

    return parse_one

# The file types ingest and upload accept, each with its parser: add a format here, once.
PARSERS: dict[str, Parser] = {
    ".txt": _one(_parse_text),
    ".md": _one(_parse_text),
    ".html": _one(_parse_html),
    ".htm": _one(_parse_html),
    ".json": _parse_json,
    ".jsonl": _parse_jsonl,
}
SUPPORTED = frozenset(PARSERS)
