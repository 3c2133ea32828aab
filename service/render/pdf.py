"""PDF rendering: Jinja2 (sandboxed, autoescaped) HTML through WeasyPrint."""

from __future__ import annotations

import threading
from typing import Any

import weasyprint
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from weasyprint.text.fonts import FontConfiguration

from service.render import STATIC_DIR, TEMPLATE_DIR, fonts
from service.render.fetcher import StaticOnlyFetcher

_env = SandboxedEnvironment(
    loader=FileSystemLoader(TEMPLATE_DIR / "html"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_fetcher = StaticOnlyFetcher(STATIC_DIR)
_base_url = STATIC_DIR.as_uri() + "/"
# WeasyPrint keeps fonts and caches in these objects; they are built once per process and
# used by one render at a time.
_lock = threading.Lock()
_font_config: FontConfiguration | None = None
_stylesheet: weasyprint.CSS | None = None


def _warm() -> tuple[FontConfiguration, weasyprint.CSS]:
    global _font_config, _stylesheet
    if _font_config is None or _stylesheet is None:
        fonts.configure()  # Fontconfig reads FONTCONFIG_FILE when the configuration is made
        _font_config = FontConfiguration()
        _stylesheet = weasyprint.CSS(
            filename=str(STATIC_DIR / "gongwen.css"),
            font_config=_font_config,
            url_fetcher=_fetcher,
        )
    return _font_config, _stylesheet


def render_html(kind: str, context: dict[str, Any]) -> str:
    """The HTML page for `kind` (also useful to inspect a layout in a browser)."""
    return _env.get_template(f"{kind}.html").render(context)


def render_pdf(kind: str, context: dict[str, Any]) -> bytes:
    """Render the PDF of one document."""
    html = render_html(kind, context)
    with _lock:
        font_config, stylesheet = _warm()
        document = weasyprint.HTML(string=html, base_url=_base_url, url_fetcher=_fetcher)
        return document.write_pdf(stylesheets=[stylesheet], font_config=font_config)
