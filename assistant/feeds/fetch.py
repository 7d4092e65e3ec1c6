"""Fetch one URL politely and safely: http(s) only, no private addresses unless allowed,
robots.txt, a per-host pause, a redirect limit, a size cap and timeouts.

Redirects are followed by hand so every hop is checked like the first URL. No JavaScript is
ever run: what a page needs a script for, it does not get.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from assistant.config import FetchSettings
from assistant.errors import AssistantError

if TYPE_CHECKING:
    import httpx

HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
FEED_ACCEPT = (
    "application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,"
    "application/xml;q=0.8,text/xml;q=0.8,*/*;q=0.5"
)
_REDIRECTS = {301, 302, 303, 307, 308}
_ROBOTS_MB = 0.5


class FetchError(AssistantError):
    """A URL that could not be fetched; `transient` failures are worth retrying later."""

    def __init__(self, url: str, reason: str, todo: str, transient: bool = False) -> None:
        super().__init__(f"{url}: {reason} — {todo}")
        self.url, self.reason, self.transient = url, reason, transient


@dataclass(frozen=True)
class Fetched:
    """A fetched URL: status 200 with its body, or 304 (not modified) with none."""

    url: str  # after redirects
    status: int
    content_type: str  # media type only, lower case: "text/html"
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None  # where a redirect points


def is_web_url(text: str) -> bool:
    """Return whether text is an http(s) URL (what `assistant ingest` fetches)."""
    return text.startswith(("http://", "https://"))


class Fetcher:
    """Fetches URLs for one run, remembering each host's robots.txt and last request time."""

    def __init__(self, settings: FetchSettings | None = None) -> None:
        import httpx

        self.settings = settings or FetchSettings()
        self._client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(self.settings.timeout),
            headers={"User-Agent": self.settings.user_agent},
        )
        self._robots: dict[str, RobotFileParser] = {}
        self._next_turn: dict[str, float] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def get(self, url: str, *, accept: str = HTML_ACCEPT, etag: str | None = None,
            last_modified: str | None = None, robots: bool = True,
            max_mb: float | None = None) -> Fetched:
        """Return the URL's body (or a 304 when etag/last_modified still hold); raise FetchError."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen: list[str] = []
        while True:
            self._check(url, robots)
            reply = self._request(url, headers, max_mb or self.settings.max_mb)
            if reply.status not in _REDIRECTS:
                return reply
            seen.append(url)
            url = self._next_hop(url, reply, seen)

    def _next_hop(self, url: str, reply: Fetched, seen: list[str]) -> str:
        """Return where a redirect points, refusing loops and too many hops."""
        target = reply.location
        if not target:
            raise FetchError(url, f"HTTP {reply.status} redirect without a Location",
                             "the site is misconfigured; try the page's final address")
        target = urljoin(url, target).split("#", 1)[0]
        if target in seen:
            raise FetchError(seen[0], "redirect loop", "the site redirects in a circle; "
                             "try the page's final address in a browser")
        if len(seen) > self.settings.max_redirects:
            raise FetchError(seen[0], f"more than {self.settings.max_redirects} redirects",
                             "give the final address, or raise fetch.max_redirects")
        return target

    def _check(self, url: str, robots: bool) -> None:
        """Refuse other schemes, private addresses (unless allowed) and robots.txt exclusions."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(url, f"the {parts.scheme or 'missing'} scheme is not fetched",
                             "give an http:// or https:// URL")
        if not parts.hostname:
            raise FetchError(url, "no host in the URL", "give a full URL like https://host/page")
        if not self.settings.allow_private:
            _check_public(url, parts.hostname, parts.port)
        if robots and not self._robots_for(url).can_fetch(self.settings.user_agent, url):
            raise FetchError(url, "robots.txt disallows it",
                             "the site asks bots not to fetch this page; read it in a browser")

    def _robots_for(self, url: str) -> RobotFileParser:
        """Return the site's robots.txt rules, fetched once per run (none found: all allowed)."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        parser = self._robots.get(site)
        if parser is not None:
            return parser
        parser = RobotFileParser(site + "/robots.txt")
        try:
            reply = self.get(site + "/robots.txt", accept="text/plain", robots=False,
                             max_mb=_ROBOTS_MB)
            parser.parse(reply.body.decode("utf-8", "replace").splitlines())
        except FetchError as exc:
            # As urllib.robotparser: 401/403 forbid everything, other failures forbid nothing.
            forbidden = exc.reason.startswith(("HTTP 401", "HTTP 403"))
            parser.parse(["User-agent: *", "Disallow: /"] if forbidden else [])
        self._robots[site] = parser
        return parser

    def _wait_turn(self, host: str) -> None:
        """Sleep until this host may be asked again (fetch.host_interval apart)."""
        with self._lock:
            now = time.monotonic()
            turn = max(now, self._next_turn.get(host, now))
            self._next_turn[host] = turn + self.settings.host_interval
        if turn > now:
            time.sleep(turn - now)

    def _request(self, url: str, headers: dict[str, str], max_mb: float) -> Fetched:
        """Make one request; a redirect comes back with its `location` and no body."""
        import httpx

        self._wait_turn(urlsplit(url).netloc)
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if not self.settings.allow_private:
                    _check_peer(url, response)
                if response.status_code in _REDIRECTS:
                    location = response.headers.get("location")
                    return Fetched(url, response.status_code, "", b"", location=location)
                _check_status(url, response)
                body = b"" if response.status_code == 304 else _read(url, response, max_mb,
                                                                     self.settings.timeout)
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out after {self.settings.timeout:g} s",
                             "the site is slow or down; it is tried again later",
                             transient=True) from None
        except httpx.HTTPError as exc:
            raise _network_error(url, exc) from None
        return Fetched(
            url=str(response.url),
            status=response.status_code,
            content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
            body=body,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )


def _check_status(url: str, response: httpx.Response) -> None:
    """Raise FetchError for an HTTP error status, saying whether a retry may help."""
    status = response.status_code
    if status < 400:
        return
    reason = f"HTTP {status} {response.reason_phrase}".rstrip()
    if status in (404, 410):
        raise FetchError(url, reason, "the page is gone; check the URL")
    if status in (401, 403):
        raise FetchError(url, reason, "the site refuses access; it may need a login")
    if status == 429 or status >= 500:
        raise FetchError(url, reason, "the site is failing or busy; it is tried again later",
                         transient=True)
    raise FetchError(url, reason, "check the URL")


def _read(url: str, response: httpx.Response, max_mb: float, timeout: float) -> bytes:
    """Return the body, refusing more than max_mb (decompressed) or a trickle past 3 timeouts."""
    limit = int(max_mb * 1024 * 1024)
    declared = response.headers.get("content-length", "")
    too_big = FetchError(url, f"larger than {max_mb:g} MB",
                         "raise fetch.max_mb (ASSISTANT_FETCH__MAX_MB) to fetch it")
    if declared.isdigit() and int(declared) > limit:
        raise too_big
    deadline = time.monotonic() + 3 * timeout
    parts: list[bytes] = []
    size = 0
    for part in response.iter_bytes():
        size += len(part)
        if size > limit:
            raise too_big
        if time.monotonic() > deadline:
            raise FetchError(url, f"still downloading after {3 * timeout:g} s",
                             "the site is too slow; it is tried again later", transient=True)
        parts.append(part)
    return b"".join(parts)


def _network_error(url: str, exc: Exception) -> FetchError:
    """Return a one-line FetchError for a connection, TLS or protocol failure."""
    text = str(exc) or type(exc).__name__
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper() or "TLS" in text.upper():
        return FetchError(url, f"TLS error ({text[:120]})",
                          "the site's HTTPS certificate or setup is broken; nothing was fetched")
    if "redirect" in text.lower():
        return FetchError(url, text[:120], "give the page's final address")
    return FetchError(url, f"cannot connect ({text[:120]})",
                      "check the URL and that the site is up; it is tried again later",
                      transient=True)


def _check_peer(url: str, response: httpx.Response) -> None:
    """Refuse a reply from a private address: the name may have resolved anew (DNS rebinding)."""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer and not ipaddress.ip_address(str(peer[0]).split("%")[0]).is_global:
        raise FetchError(url, f"the connection went to a private address ({peer[0]})",
                         "fetching loopback and private addresses is off; allow it with "
                         "ASSISTANT_FETCH__ALLOW_PRIVATE=true")


def _check_public(url: str, host: str, port: int | None) -> None:
    """Refuse a host that is, or resolves to, a loopback, private or otherwise local address."""
    try:
        infos = socket.getaddrinfo(host, port or 80, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise FetchError(url, f"cannot resolve {host} ({exc})",
                         "check the host name and the network", transient=True) from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            raise FetchError(
                url, f"{host} is a private address ({address})",
                "fetching loopback and private addresses is off; allow it with "
                "ASSISTANT_FETCH__ALLOW_PRIVATE=true",
            )
