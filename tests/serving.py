"""Start-and-wait helpers for tests that run the real UI as its own process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait until url answers 200 (the UI is up); fail if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the UI exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"the UI did not answer at {url} within {timeout:.0f}s")


@contextmanager
def serve_ui(
    settings: Mapping[str, str], folder: Path, timeout: float = 120
) -> Iterator[tuple[str, dict[str, str]]]:
    """Run `ui.py` as its own process with these ASSISTANT_* settings; yield its URL and env.

    No login (the UI's user/password variables are dropped); its output goes to folder/ui.log,
    whose tail is printed when the process is stopped, so a failing test shows what the UI said.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), **settings}
    env.pop("ASSISTANT_UI_USER", None)
    env.pop("ASSISTANT_UI_PASSWORD", None)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with (folder / "ui.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "ui.py", "--port", str(port)], cwd=ROOT, env=env, stdout=log,
            stderr=log,
        )
        try:
            wait_for(url, process, timeout)
            yield url, env
        finally:
            process.terminate()
            process.wait(timeout=20)
    print((folder / "ui.log").read_text(errors="replace")[-3000:])
