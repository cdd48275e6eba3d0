"""Helpers for page tests: a browser-like client signed in as a persona."""

from __future__ import annotations

from django.test import Client

from convene.models import User

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def page_client(user: User | None) -> Client:
    """A test client with a session for ``user`` (anonymous for None). The backend is named
    because the first configured one (rules') cannot load users from a session."""
    client = Client()
    if user is not None:
        client.force_login(user, backend=MODEL_BACKEND)
    return client
