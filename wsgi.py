"""WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi ...``."""
from awards import create_app

app = create_app()
