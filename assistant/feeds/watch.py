"""Keep followed feeds fresh: poll each when it is due, back off per feed on errors, and never
let one failing feed stop the others. State lives in the catalog, so a restart (or a kill)
carries on where it was."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

from assistant.config import Settings
from assistant.errors import InputError
from assistant.feeds.poll import Echo, Poller, PollResult, warn

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT = {"s": 1, "": 60, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> float:
    """Return minutes from `30m`, `2h`, `90s`, `1d` or a bare number of minutes."""
    match = _DURATION.match(text)
    if match is None or float(match.group(1)) <= 0:
        raise InputError(f"cannot read the interval {text!r} — write it like 30m, 2h or 90s")
    return float(match.group(1)) * _UNIT[match.group(2).lower()] / 60


def poll_due(settings: Settings, *, force: bool = False, echo: Echo = warn,
             stop: threading.Event | None = None,
             each: Callable[[PollResult], None] | None = None) -> list[PollResult]:
    """Poll every followed feed that is due (all of them with force); return what each did."""
    results: list[PollResult] = []
    with Poller(settings, echo, stop) as poller:
        now = time.time()
        for row in poller.state.feeds(followed_only=True):
            if poller.stop.is_set():
                break
            if not force and row.next_due > now:
                continue
            result = _poll_safely(poller, row.url)
            results.append(result)
            if each is not None:
                each(result)
    return results


def _poll_safely(poller: Poller, url: str) -> PollResult:
    """Poll one feed; an unexpected failure is recorded against the feed, not raised."""
    try:
        return poller.poll(url)
    except Exception as exc:  # one broken feed must never stop the others
        if poller.stop.is_set():
            raise
        error = f"unexpected {type(exc).__name__}: {exc} — it is retried later; report it if " \
            "it keeps happening"
        poller.record_failure(url, error)
        return PollResult(url, error=error)


def next_wake(settings: Settings) -> float:
    """Return the epoch second the next followed feed is due (in an hour when none is)."""
    from assistant.feeds.state import FeedState

    state = FeedState(settings.index_dir)
    try:
        dues = [row.next_due for row in state.feeds(followed_only=True)]
    finally:
        state.close()
    return min(dues, default=time.time() + 3600)


def watch(settings: Settings, *, once: bool = False, stop: threading.Event | None = None,
          echo: Echo = warn, each: Callable[[PollResult], None] | None = None) -> int:
    """Poll due feeds until stopped (or one pass with once); return the polls made."""
    stop = stop or threading.Event()
    polls = 0
    while not stop.is_set():
        polls += len(poll_due(settings, echo=echo, stop=stop, each=each))
        if once:
            break
        # Wake for the next due feed, and at least every minute to see newly added ones.
        stop.wait(max(0.2, min(next_wake(settings) - time.time(), 60.0)))
    return polls
