"""The published document's JSON Schema (``schemas/framework-v1.json``), as served at
``/schemas/framework-v1.json`` and as the OpenAPI schema describes the export endpoints."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

PATH = Path(__file__).with_name("schemas") / "framework-v1.json"


@cache
def document_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(PATH.read_text(encoding="utf-8"))
    return schema


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {key: _inline(value, defs) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    return node


@cache
def openapi_schema() -> dict[str, Any]:
    """The same schema with its definitions written in place: inside an OpenAPI document,
    ``#/$defs/…`` would point at the OpenAPI document's root."""
    schema = document_schema()
    defs = schema.get("$defs", {})
    body = {k: v for k, v in schema.items() if k not in {"$schema", "$id", "$defs"}}
    inlined: dict[str, Any] = _inline(body, defs)
    return inlined
