"""The register as a Flask extension: one Register per app, and the `init-db` command."""

from __future__ import annotations

import click
from flask import Flask, current_app

from service.register import Register


def init_app(app: Flask) -> None:
    """Open the register named by DATABASE_URL and add the `init-db` command."""
    register = Register(app.config["DATABASE_URL"])
    register.create_schema()
    app.extensions["register"] = register

    @app.cli.command("init-db")
    def init_db() -> None:
        """Create the register's tables if they do not exist."""
        get_register().create_schema()
        click.echo(f"登记簿已就绪：{register.engine.url.render_as_string(hide_password=True)}")


def get_register() -> Register:
    """The current app's register."""
    register: Register = current_app.extensions["register"]
    return register
