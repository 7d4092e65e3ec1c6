"""How the web UI looks: system fonts, the page's CSS, and the script that makes [n] links work.

Nothing here is fetched from the network: the fonts are the visitor's own and the script is inline.
"""

from __future__ import annotations

from typing import Any

FLASH_MS = 1500  # how long a source entry stays outlined after its [n] is clicked

SYSTEM_FONTS = (
    "system-ui",
    "-apple-system",
    "Segoe UI",
    "Roboto",
    "Helvetica Neue",
    "Arial",
    "Noto Sans",
    "Liberation Sans",
    "sans-serif",
)
MONO_FONTS = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace")

CSS = f"""
.sources, .corpus {{ font-size: 0.92rem; line-height: 1.45; }}
#sources-panel {{ max-height: max(560px, 72vh); overflow-y: auto !important; padding-right: 4px; }}
.src-reply {{ border: 1px solid var(--border-color-primary); border-radius: 8px;
  margin: 0 0 10px; padding: 6px 10px; background: var(--background-fill-primary); }}
.src-reply > summary {{ cursor: pointer; font-weight: 600; display: flex; gap: 8px;
  justify-content: space-between; align-items: baseline; }}
.src-q {{ overflow-wrap: anywhere; }}
.src-count {{ font-weight: 400; font-size: 0.8rem; color: var(--body-text-color-subdued);
  white-space: nowrap; }}
.src-list {{ list-style: none; padding: 0; margin: 8px 0 0; }}
.src {{ border-top: 1px solid var(--border-color-primary); padding: 8px 4px; scroll-margin: 12px;
  border-radius: 6px; }}
.src:first-child {{ border-top: none; }}
.src.flash {{ outline: 3px solid var(--color-accent); outline-offset: 2px;
  animation: src-flash {FLASH_MS}ms ease-out; }}
@keyframes src-flash {{ from {{ background: #fde68a; }} to {{ background: transparent; }} }}
.src-head {{ font-weight: 600; overflow-wrap: anywhere; }}
.src-n {{ color: var(--color-accent); margin-right: 2px; }}
.src-meta, .src-also {{ font-size: 0.82rem; color: var(--body-text-color-subdued); }}
.src-passage {{ white-space: pre-wrap; overflow-wrap: anywhere; margin-top: 6px;
  padding: 6px 10px; border-left: 3px solid var(--border-color-accent);
  background: var(--background-fill-secondary); border-radius: 4px; }}
.src-passage mark {{ background: #fde68a; color: #1f2937; padding: 1px 2px; border-radius: 3px; }}
.mark-n {{ color: var(--color-accent); font-weight: 600; margin-left: 1px; }}
.src-support {{ margin-top: 4px; font-size: 0.8rem; }}
.support {{ display: inline-block; padding: 0 6px; border-radius: 10px; margin-right: 4px; }}
.support.ok {{ background: #dcfce7; color: #166534; }}
.support.weak {{ background: #fef3c7; color: #92400e; }}
.src-empty, .corpus .hint {{ color: var(--body-text-color-subdued); }}
.corpus .outlets {{ columns: 2; padding-left: 18px; margin: 6px 0; }}
.corpus .cnt {{ color: var(--body-text-color-subdued); font-size: 0.8rem; }}
#new-chat, #send-reason, .nowrap {{ white-space: nowrap; }}
#feedback-status p {{ margin: 4px 0; }}
#examples .example-q {{ justify-content: flex-start; text-align: left; white-space: normal;
  font-weight: 400; }}
#chat a[href^="#src-"] {{ text-decoration: none; font-weight: 600; color: var(--color-accent); }}
.verdict {{ display: inline-block; padding: 0 9px; margin-right: 4px; border-radius: 999px;
  font-weight: 600; font-size: 0.9em; line-height: 1.5; vertical-align: baseline;
  border: 1px solid #d1d5db; background: #f3f4f6; color: #1f2937; }}
.verdict-yes {{ background: #dcfce7; border-color: #86efac; color: #166534; }}
.verdict-no {{ background: #fee2e2; border-color: #fca5a5; color: #991b1b; }}
"""

# [n] links in a reply: open the Sources tab, unfold the reply's group, scroll the entry into
# view and outline it for FLASH_MS. Capturing the click first keeps the page's URL unchanged.
HEAD = f"""
<script>
document.addEventListener("click", function (event) {{
  const link = event.target.closest ? event.target.closest('a[href^="#src-"]') : null;
  if (!link) {{ return; }}
  event.preventDefault();
  event.stopPropagation();
  const id = link.getAttribute("href").slice(1);
  const tab = Array.from(document.querySelectorAll('[role="tab"]'))
    .find(function (button) {{ return button.textContent.trim() === "Sources"; }});
  if (tab && tab.getAttribute("aria-selected") !== "true") {{ tab.click(); }}
  setTimeout(function () {{
    const entry = document.getElementById(id);
    if (!entry) {{ return; }}
    const group = entry.closest("details");
    if (group) {{ group.open = true; }}
    const box = entry.closest(".src") || entry;
    const panel = document.getElementById("sources-panel");
    if (panel) {{  // scroll within the panel, so the conversation stays in view
      const top = box.getBoundingClientRect().top - panel.getBoundingClientRect().top;
      panel.scrollTo({{top: panel.scrollTop + top - 8}});
    }}
    const shown = box.getBoundingClientRect();
    if (shown.top < 0 || shown.top > window.innerHeight - 60) {{  // stacked layout: go there
      box.scrollIntoView({{behavior: "smooth", block: "center"}});
    }}
    box.classList.remove("flash");
    void box.offsetWidth;  // restart the animation when the same [n] is clicked again
    box.classList.add("flash");
    clearTimeout(box.flashTimer);
    box.flashTimer = setTimeout(function () {{ box.classList.remove("flash"); }}, {FLASH_MS});
  }}, 80);
}}, true);
</script>
"""


def theme() -> Any:
    """Return the theme: the default look with system fonts, so no font is fetched."""
    import gradio as gr

    return gr.themes.Default(font=list(SYSTEM_FONTS), font_mono=list(MONO_FONTS))
