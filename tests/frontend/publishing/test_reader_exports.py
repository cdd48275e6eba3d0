"""An edition's exports (JSON, Markdown, CSV): their types and headers, byte-for-byte stable for
an edition whatever is published after it, and the JSON valid against framework-v1."""

from __future__ import annotations

import csv
import io
import json

import pytest
from jsonschema import Draft202012Validator

from convene.hashchain import canonical_json
from deliberation.models import Edition
from deliberation.publishing import formats, services
from deliberation.publishing.document_schema import document_schema
from tests.frontend.conftest import page_client
from tests.frontend.publishing.conftest import clauses_of, forge_edition

TYPES = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


@pytest.mark.parametrize("ext", list(TYPES))
def test_exports_have_their_type_name_and_hash(published: Edition, ext: str) -> None:
    slug = published.framework.slug
    for url in (f"/frameworks/{slug}/export.{ext}", f"/frameworks/{slug}/editions/1/export.{ext}"):
        response = page_client(None).get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == TYPES[ext]
        assert response["Content-Disposition"] == (f'attachment; filename="{slug}-edition-1.{ext}"')
        assert response["X-Content-Hash"] == published.content_hash


def test_the_json_export_is_the_canonical_document_and_valid(published: Edition) -> None:
    body = page_client(None).get(f"/frameworks/{published.framework.slug}/export.json").content
    assert body == canonical_json(published.content)
    document = json.loads(body)
    Draft202012Validator(document_schema()).validate(document)
    assert document["content_hash"] == published.content_hash


@pytest.mark.parametrize("ext", list(TYPES))
def test_exports_are_stable_after_a_later_edition(published: Edition, ext: str) -> None:
    url = f"/frameworks/{published.framework.slug}/editions/1/export.{ext}"
    client = page_client(None)
    first, second = client.get(url).content, client.get(url).content
    assert first == second
    services.framework_publish(actor=published.published_by, framework=published.framework)
    assert client.get(url).content == first
    latest = client.get(f"/frameworks/{published.framework.slug}/export.{ext}")
    assert latest["Content-Disposition"].endswith("-edition-2." + ext + '"')


def test_the_csv_has_a_row_per_decision_per_group(published: Edition) -> None:
    body = page_client(None).get(f"/frameworks/{published.framework.slug}/export.csv").content
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert list(rows[0]) == formats.CSV_FIELDS
    decisions = sum(len(c["decisions"]) for c in published.content["clauses"]) + len(
        published.content["decisions"]
    )
    assert len(rows) == decisions * 3
    assert {r["group"] for r in rows} == {"policymaker", "industry", "civil_society"}


def test_csv_formula_cells_are_neutralized(published: Edition) -> None:
    clauses = clauses_of(published, 1)
    clauses[0]["title"] = '=HYPERLINK("http://evil.example")'
    clauses[0]["decisions"] = (
        published.content["clauses"][0]["decisions"] or (published.content["decisions"])
    )
    forged = forge_edition(published, clauses)
    url = f"/frameworks/{published.framework.slug}/editions/{forged.number}/export.csv"
    rows = list(csv.DictReader(io.StringIO(page_client(None).get(url).content.decode())))
    assert rows and all(r["clause_title"].startswith("'=") for r in rows if r["clause_number"])


def test_the_markdown_has_the_title_hash_and_clauses(published: Edition) -> None:
    body = page_client(None).get(f"/frameworks/{published.framework.slug}/export.md")
    text = body.content.decode("utf-8")
    assert text.startswith(f"# {published.content['framework']['title']}\n")
    assert published.content_hash in text
    for clause in published.content["clauses"]:
        assert f"## §{clause['number']} {clause['title']}" in text
