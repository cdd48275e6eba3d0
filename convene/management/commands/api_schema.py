"""Check or write the OpenAPI schema exactly as the server serves it.

``manage.py api_schema --check docs/openapi.json`` fetches ``/api/v1/schema/?format=json``
through the whole request stack (URLconf, middleware, view), validates it against the OpenAPI
specification, checks that ``info.version`` is a valid version, and fails if it differs from the
committed file: a change to the API then shows in review. ``--write`` updates the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import Client
from drf_spectacular.validation import validate_schema
from packaging.version import InvalidVersion, Version

SCHEMA_URL = "/api/v1/schema/?format=json"


def served_schema() -> dict[str, Any]:
    """The schema as a client gets it from ``/api/v1/schema/``."""
    hosts = [h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")]
    response = Client(HTTP_HOST=hosts[0] if hosts else "localhost").get(SCHEMA_URL)
    if response.status_code != 200:
        raise CommandError(f"GET {SCHEMA_URL} answered {response.status_code}.")
    schema: dict[str, Any] = json.loads(response.content)
    return schema


def rendered(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def problems(schema: dict[str, Any]) -> list[str]:
    found = []
    try:
        validate_schema(schema)
    except Exception as exc:  # the validator's own error types vary by version
        found.append(f"not a valid OpenAPI document: {exc}")
    try:
        Version(schema["info"]["version"])
    except InvalidVersion:
        found.append(f"info.version {schema['info']['version']!r} is not a valid version")
    return found


class Command(BaseCommand):
    help = "Validate the served OpenAPI schema; --check or --write a committed copy."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--check", metavar="FILE", help="fail if FILE differs from it")
        group.add_argument("--write", metavar="FILE", help="write it to FILE")

    def handle(self, *args: Any, check: str | None, write: str | None, **options: Any) -> None:
        schema = served_schema()
        found = problems(schema)
        if found:
            raise CommandError("The served schema: " + "; ".join(found))
        text = rendered(schema)
        if write:
            Path(write).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote the served schema to {write}.")
        elif check:
            path = Path(check)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(
                    f"{check} is not the schema the server serves: run `make schema-update` and "
                    "commit the result."
                )
            self.stdout.write(f"The served schema is valid and matches {check}.")
        else:
            self.stdout.write("The served schema is valid.")
