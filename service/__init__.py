"""Document service for safety-production campaigns: numbered GB/T 9704 DOCX and PDF."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import BaseConverter


def instance_dir() -> Path:
    """The folder of the SQLite register, queue and secret key: GONGWEN_INSTANCE or instance/."""
    return Path(os.environ.get("GONGWEN_INSTANCE") or Path(__file__).resolve().parents[1]
                / "instance").resolve()


class DocumentId(BaseConverter):
    """A document id in URLs: 32 hex digits, so /documents/<kind> never looks like one."""

    regex = "[0-9a-f]{32}"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the app; `config` overrides the environment (tests pass a temporary DB)."""
    app = Flask(__name__, instance_path=str(instance_dir()), instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=os.environ.get(
            "DATABASE_URL", f"sqlite:///{os.path.join(app.instance_path, 'register.sqlite3')}"
        ),
        MAX_CONTENT_LENGTH=int(os.environ.get("GONGWEN_MAX_BODY_MB", "4")) * 1024 * 1024,
        # Local mode (make run, on 127.0.0.1) needs no log-in; everywhere else it is required.
        AUTH_REQUIRED=os.environ.get("GONGWEN_LOCAL", "") not in ("1", "true", "yes"),
        REGISTER_PAGE_MAX=200,
    )
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.url_map.converters["doc_id"] = DocumentId

    from service import access, api, batches_api, cli, db, errors, openapi, security, web

    db.init_app(app)
    access.init_app(app)
    cli.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(batches_api.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(web.bp)
    return app
