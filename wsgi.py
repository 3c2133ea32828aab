"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi …`."""

from service.app import create_app

app = create_app()
