"""The web application: the app factory that wires the API, the officers' pages, the gate
and the command line around the Flask-free core."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import BaseConverter

from service import config


class DocumentId(BaseConverter):
    """A document id in URLs: 32 hex digits, so /documents/<kind> never looks like one."""

    regex = "[0-9a-f]{32}"


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Create the app; `overrides` take precedence over the environment (tests use them)."""
    app = Flask(__name__, instance_path=str(config.instance_dir()),
                instance_relative_config=True)
    config.ensure_instance_dir()
    app.config.from_mapping(
        DATABASE_URL=config.database_url(),
        MAX_CONTENT_LENGTH=int(os.environ.get("GONGWEN_MAX_BODY_MB", "4")) * 1024 * 1024,
        AUTH_REQUIRED=not config.local_mode(),  # make run's local mode needs no log-in
        REGISTER_PAGE_MAX=200,
    )
    app.config.update(overrides or {})
    if hops := int(os.environ.get("GONGWEN_PROXIES", "0") or 0):
        # Behind nginx: trust its X-Forwarded-For/Proto/Host (https cookies, client address)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops,  # type: ignore[method-assign]
                                x_host=hops)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.url_map.converters["doc_id"] = DocumentId

    from service import (
        api,
        audit_views,
        bulletin_web,
        cli,
        contacts_views,
        db,
        gate,
        http_errors,
        import_views,
        import_web,
        lead_api,
        lead_web,
        ledger_views,
        openapi,
        unit_api,
        unit_web,
        web,
    )
    from service.batches import api as batches_api

    db.init_app(app)
    gate.init_app(app)
    cli.init_app(app)
    http_errors.init_app(app)
    for blueprint in (api.bp, batches_api.bp, unit_api.bp, lead_api.bp, ledger_views.bp,
                      import_views.bp, contacts_views.bp,
                      audit_views.bp, openapi.bp, web.bp, unit_web.bp, lead_web.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(import_web.bp)  # the web forms' upload of records (导入)
    bulletin_web.init_app(app)  # a bulletin from the register's typical cases: page and API
    return app
