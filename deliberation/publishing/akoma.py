"""An edition as Akoma Ntoso 3.0 (OASIS LegalDocML), the XML that parliaments use for legislation.

One ``<act>``: FRBR identification built from the document alone (slug, edition, publication
date), the publication, the convening and the delegations as references, each clause as a
``<section>`` (number, heading, text paragraphs, its spec as a list, its kind as ``class``), and
how each clause was decided as ``<note>``s the section points to. The edition's content hash is
in the manifestation's alias and in a proprietary block. Pure: from the frozen document to
bytes, the same bytes every time (no clock, attributes in a fixed order, fixed indentation).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
CONVENE_NS = "https://convene.example.org/ns/framework/1"
# A framework negotiated among many countries has no one country; "int" marks it international.
COUNTRY = "int"
LANGUAGE = "eng"
# Characters XML 1.0 cannot carry at all; user text loses them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PARAGRAPHS = re.compile(r"\n\s*\n")

ET.register_namespace("", NS)
ET.register_namespace("convene", CONVENE_NS)


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _clean(text: Any) -> str:
    return _NOT_XML.sub("", str(text))


def _el(parent: ET.Element, tag: str, text: Any = None, **attrs: Any) -> ET.Element:
    element = ET.SubElement(parent, _q(tag), {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _paragraphs(parent: ET.Element, text: str, eid: str) -> None:
    parts = [p.strip() for p in _PARAGRAPHS.split(_clean(text)) if p.strip()]
    for n, part in enumerate(parts or [""], start=1):
        _el(parent, "p", part, eId=f"{eid}__p_{n}")


def to_akn(document: dict[str, Any]) -> bytes:
    """The Akoma Ntoso XML of one edition's document (``export.build``'s output)."""
    root = ET.Element(_q("akomaNtoso"))
    act = _el(root, "act", name="framework")
    meta = _el(act, "meta")
    _identification(meta, document)
    edition = document["edition"]
    _el(
        meta,
        "publication",
        date=edition["published_at"][:10],
        name="convene",
        showAs=f"Convene, edition {edition['number']}",
        number=edition["number"],
    )
    _references(meta, document)
    notes = _el(meta, "notes", source="#convene")
    proprietary = _el(meta, "proprietary", source="#convene")
    ET.SubElement(proprietary, f"{{{CONVENE_NS}}}contentHash").text = document["content_hash"]
    ET.SubElement(proprietary, f"{{{CONVENE_NS}}}edition").text = str(edition["number"])
    ET.SubElement(proprietary, f"{{{CONVENE_NS}}}format").text = document["format"]
    if document["framework"]["preamble"].strip():
        _paragraphs(_el(act, "preamble"), document["framework"]["preamble"], "preface")
    body = _el(act, "body")
    for clause in document["clauses"]:
        _section(body, notes, clause)
    if document["decisions"]:
        _framework_decisions(body, notes, document["decisions"])
    if not len(notes):
        meta.remove(notes)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _identification(meta: ET.Element, document: dict[str, Any]) -> None:
    framework, edition = document["framework"], document["edition"]
    date = edition["published_at"][:10]
    work = f"/akn/{COUNTRY}/act/{date[:4]}/{framework['slug']}"
    expression = f"{work}/{LANGUAGE}@{date}"
    author = f"#{_convening_eid(framework)}"
    ident = _el(meta, "identification", source="#convene")
    frbr = _el(ident, "FRBRWork")
    _el(frbr, "FRBRthis", value=f"{work}/!main")
    _el(frbr, "FRBRuri", value=work)
    _el(frbr, "FRBRalias", value=framework["title"], name="title")
    _el(frbr, "FRBRdate", date=date, name="publication")
    _el(frbr, "FRBRauthor", href=author)
    _el(frbr, "FRBRcountry", value=COUNTRY)
    _el(frbr, "FRBRnumber", value=framework["slug"])
    frbr = _el(ident, "FRBRExpression")
    _el(frbr, "FRBRthis", value=f"{expression}/!main")
    _el(frbr, "FRBRuri", value=expression)
    _el(frbr, "FRBRdate", date=date, name="publication")
    _el(frbr, "FRBRauthor", href=author)
    _el(frbr, "FRBRversionNumber", value=edition["number"])
    _el(frbr, "FRBRlanguage", language=LANGUAGE)
    frbr = _el(ident, "FRBRManifestation")
    _el(frbr, "FRBRthis", value=f"{expression}/!main.xml")
    _el(frbr, "FRBRuri", value=f"{expression}.akn")
    _el(frbr, "FRBRalias", value=document["content_hash"], name="content-hash-sha256")
    _el(frbr, "FRBRdate", date=date, name="publication")
    _el(frbr, "FRBRauthor", href="#convene")


def _convening_eid(framework: dict[str, Any]) -> str:
    return f"convening_{framework['convening']['slug']}"


def _references(meta: ET.Element, document: dict[str, Any]) -> None:
    framework = document["framework"]
    refs = _el(meta, "references", source="#convene")
    _el(
        refs,
        "TLCOrganization",
        eId="convene",
        href="/ontology/organization/convene",
        showAs="Convene",
    )
    convening = framework["convening"]
    _el(
        refs,
        "TLCOrganization",
        eId=_convening_eid(framework),
        href=f"/ontology/organization/convene/{convening['slug']}",
        showAs=convening["title"],
    )
    for n, p in enumerate(document["participants"], start=1):
        country = f" ({p['country']})" if p["country"] else ""
        _el(
            refs,
            "TLCOrganization",
            eId=f"delegation_{n}",
            href=f"/ontology/organization/delegation/{n}",
            showAs=f"{p['organization']}{country}, {p['group'].replace('_', ' ')}",
        )


def _section(body: ET.Element, notes: ET.Element, clause: dict[str, Any]) -> None:
    eid = f"sec_{clause['number']}"
    section = _el(body, "section", eId=eid, **{"class": clause["kind"]})
    _el(section, "num", f"§{clause['number']}")
    _el(section, "heading", clause["title"], eId=f"{eid}__hdg")
    content = _el(section, "content", eId=f"{eid}__content")
    _paragraphs(content, clause["text"], eid)
    if clause["spec"]:
        spec = _el(content, "blockList", eId=f"{eid}__spec")
        _el(spec, "listIntroduction", "Specification:")
        for n, (key, value) in enumerate(sorted(clause["spec"].items()), start=1):
            item = _el(spec, "item", eId=f"{eid}__spec__item_{n}")
            _el(item, "p", f"{key.replace('_', ' ')}: {value}")
    record = _el(content, "p", eId=f"{eid}__record")
    record.text = _record_line(clause)
    for n, decision in enumerate(clause["decisions"], start=1):
        note_id = f"note_{eid}_{n}"
        _note(notes, note_id, decision)
        ref = _el(record, "noteRef", href=f"#{note_id}", marker=str(n))
        ref.tail = " "


def _record_line(clause: dict[str, Any]) -> str:
    comments = clause["comments"]
    counts = ", ".join(
        f"{outcome.replace('_', ' ')} {n}" for outcome, n in comments["dispositions"].items()
    )
    decided = f"Decided in {len(clause['decisions'])} vote(s): " if clause["decisions"] else ""
    return (
        f"Version {clause['version']}. Comments: {comments['total']}; dispositions of top-level "
        f"comments: {counts}. {decided}"
    )


def _framework_decisions(body: ET.Element, notes: ET.Element, decisions: list[Any]) -> None:
    section = _el(body, "section", eId="sec_framework", **{"class": "decisions"})
    _el(section, "heading", "Decisions on the framework as a whole", eId="sec_framework__hdg")
    content = _el(section, "content", eId="sec_framework__content")
    line = _el(content, "p", "Decided in: ", eId="sec_framework__record")
    for n, decision in enumerate(decisions, start=1):
        note_id = f"note_framework_{n}"
        _note(notes, note_id, decision)
        ref = _el(line, "noteRef", href=f"#{note_id}", marker=str(n))
        ref.tail = " "


COUNTS = ("eligible", "turnout", "yes", "no", "abstain", "object")


def _counts(numbers: dict[str, Any]) -> str:
    shown = [f"{key} {numbers[key]}" for key in COUNTS if key in numbers]
    for check in ("quorum", "threshold"):
        if f"{check}_met" in numbers and not numbers.get("skipped"):
            shown.append(f"{check} {'met' if numbers[f'{check}_met'] else 'not met'}")
    return ", ".join(shown)


def _note(notes: ET.Element, eid: str, decision: dict[str, Any]) -> None:
    """One decision: the round, what was decided and how, in paragraphs."""
    note = _el(notes, "note", eId=eid, **{"class": "decision"})
    round_ = decision["round"]
    closed = (round_["closed_at"] or "")[:10]
    what = decision["kind"].replace("_", " ")
    version = f" (version {decision['version']})" if decision["version"] else ""
    lines = [
        f"{round_['title']}, closed {closed}, {round_['ballot_mode']} ballot: {what}{version}: "
        f"{decision['outcome'].replace('_', ' ')}.",
        decision["narrative"],
    ]
    if decision["totals"]:
        lines.append(f"All groups: {_counts(decision['totals'])}.")
    for group, numbers in sorted(decision["by_group"].items()):
        lines.append(f"{group.replace('_', ' ').capitalize()}: {_counts(numbers)}.")
    lines += [
        f"Objection ({o['group'].replace('_', ' ')}): {o['reason']}" for o in decision["objections"]
    ]
    lines += [
        f"Option {a['label']}{' (chosen)' if a['chosen'] else ''}: {a['text']}"
        for a in decision["alternatives"]
    ]
    if decision["effect"]:
        lines.append(decision["effect"])
    for n, line in enumerate((x for x in lines if x), start=1):
        _el(note, "p", line, eId=f"{eid}__p_{n}")
