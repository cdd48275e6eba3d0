"""An edition's document (``framework-v1``) as Markdown and as a CSV of its vote results.

Pure: these read only the frozen document, never the database, so an edition's exports are the
same bytes every time they are asked for.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from deliberation.voting.tally import GROUPS

CSV_FIELDS = [
    "clause_number",
    "clause_title",
    "round",
    "motion_kind",
    "outcome",
    "group",
    "eligible",
    "yes",
    "no",
    "abstain",
    "object",
]
OUTCOME_WORDS = {
    "adopted": "Adopted",
    "rejected": "Rejected",
    "blocked": "Blocked",
    "no_quorum": "No quorum",
}


def safe_cell(value: Any) -> Any:
    """Neutralize a spreadsheet formula in user text (CSV injection), as the API's CSV does."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return "" if value is None else value


def _decisions(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any] | None, dict[str, Any]]]:
    """(clause or None for the framework, decision), clauses in order, then the framework's."""
    for clause in document["clauses"]:
        for decision in clause["decisions"]:
            yield clause, decision
    for decision in document["decisions"]:
        yield None, decision


def to_csv(document: dict[str, Any]) -> bytes:
    """One row per decision per stakeholder group, with that group's counts."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for clause, decision in _decisions(document):
        for group in GROUPS:
            counts = decision["by_group"].get(group)
            if counts is None:
                continue
            row = {
                "clause_number": clause["number"] if clause else "",
                "clause_title": clause["title"] if clause else document["framework"]["title"],
                "round": decision["round"]["title"],
                "motion_kind": decision["kind"],
                "outcome": decision["outcome"],
                "group": group,
                **{key: counts.get(key, 0) for key in CSV_FIELDS[6:]},
            }
            writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return out.getvalue().encode("utf-8")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _decision_line(decision: dict[str, Any]) -> str:
    """ "- <round> (<date>): <narrative>"; the narrative leads with the outcome."""
    round_ = decision["round"]
    when = (round_["closed_at"] or "")[:10]
    line = f"- {_one_line(round_['title'])}" + (f" ({when})" if when else "")
    outcome = OUTCOME_WORDS.get(decision["outcome"], decision["outcome"])
    return f"{line}: {_one_line(decision['narrative']) or outcome + '.'}"


def to_markdown(document: dict[str, Any]) -> str:
    """Title, the edition line with its content hash, the preamble, then each clause as a
    heading with its text and a short line per decision on it."""
    framework, edition = document["framework"], document["edition"]
    lines = [
        f"# {_one_line(framework['title'])}",
        "",
        f"{_one_line(framework['convening']['title'])} — edition {edition['number']}, "
        f"published {edition['published_at'][:10]}. Content hash (SHA-256): "
        f"`{document['content_hash']}`",
        "",
    ]
    if framework["preamble"].strip():
        lines += [framework["preamble"].strip(), ""]
    for clause in document["clauses"]:
        lines += [
            f"## §{clause['number']} {_one_line(clause['title'])}",
            "",
            f"*{clause['kind'].replace('_', ' ')}*",
            "",
        ]
        if clause["text"].strip():
            lines += [clause["text"].strip(), ""]
        decided = [_decision_line(d) for d in clause["decisions"]]
        if decided:
            lines += ["Decided:", "", *decided, ""]
    if document["decisions"]:
        lines += ["## The framework as a whole", ""]
        lines += [_decision_line(d) for d in document["decisions"]] + [""]
    return "\n".join(lines)
