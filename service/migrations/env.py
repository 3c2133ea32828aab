"""Alembic environment: migrations run on the connection service.register hands over."""

from __future__ import annotations

from alembic import context

from service.tables import Base

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
context.run_migrations()
