"""Write a folder whole or not at all: fill a fresh temporary sibling, then swap it in."""

from __future__ import annotations

import shutil
from pathlib import Path


def folder_names(name: str) -> tuple[str, str, str]:
    """Return the folder's name and those of its new and old siblings while one is swapped in."""
    return name, name + ".tmp", name + ".old"


def fresh_sibling(target: Path) -> Path:
    """Return an empty `<target>.tmp` folder to write the new contents into."""
    tmp = target.with_name(folder_names(target.name)[1])
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    return tmp


def swap_in(tmp: Path, target: Path) -> None:
    """Replace target by tmp with renames, so readers see the old or the new folder, whole."""
    old = target.with_name(folder_names(target.name)[2])
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
