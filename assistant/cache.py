"""Where derived model files live: the user's cache, never the index or the checkout."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache(*parts: str) -> Path:
    """Return ~/.cache/news-assistant/<parts> (or under $XDG_CACHE_HOME)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base.joinpath("news-assistant", *parts)
