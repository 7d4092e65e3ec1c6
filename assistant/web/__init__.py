"""The web UI: a Gradio chat over the indexed articles, with cited sources beside each reply.

    from assistant.web import launch
    launch()  # http://localhost:7860; `assistant ui` does the same from the shell

`build_app` returns the page without serving it, for scripts and tests that serve it themselves.
"""

from assistant.web.app import build_app, launch

__all__ = ["build_app", "launch"]
