"""GIN indexes for full-text search (deliberation/publishing/search.py), on PostgreSQL only.

Expression indexes built from the very ``SearchVector`` expressions the search runs, so the
planner can use them. SQLite, the embedded default, has no GIN and searches without them. They
live outside the model state (a model's ``Meta.indexes`` would try to create them on SQLite
too), so ``makemigrations`` does not see them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# kind → (index name, the fields of its document); as search.VECTORS has them, in English.
INDEXES = {
    "framework": ("deliberation_framework_search", ("title", "preamble")),
    "clause": ("deliberation_clause_search", ("title", "text")),
    "comment": ("deliberation_comment_search", ("body",)),
}


def _index(kind: str) -> GinIndex:
    name, fields = INDEXES[kind]
    return GinIndex(SearchVector(*fields, config="english"), name=name)


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for kind in INDEXES:
        schema_editor.add_index(apps.get_model("deliberation", kind.capitalize()), _index(kind))


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for kind in INDEXES:
        schema_editor.remove_index(apps.get_model("deliberation", kind.capitalize()), _index(kind))


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0010_edition")]

    operations = [migrations.RunPython(create, drop)]
