"""Helpers shared by the deliberation services."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone

from convene.audit import timestamp
from convene.errors import DomainError
from convene.hashchain import canonical_json
from convene.models import User
from deliberation import notices
from deliberation.models import Clause, ClauseVersion, Framework
from deliberation.text import specs

MAX_TEXT = 50_000
MAX_RATIONALE = 10_000


def clean_text(text: Any, *, field: str = "text", max_length: int = MAX_TEXT) -> str:
    if not isinstance(text, str) or not text.strip():
        raise DomainError("Text is required.", field=field)
    if len(text) > max_length:
        raise DomainError(f"At most {max_length} characters.", field=field)
    return text.strip("\n")


def clean_rationale(rationale: Any, *, required: bool = True, field: str = "rationale") -> str:
    if rationale is None or (isinstance(rationale, str) and not rationale.strip()):
        if required:
            raise DomainError(f"Say why: a {field} is required.", field=field)
        return ""
    if not isinstance(rationale, str):
        raise DomainError("Must be a string.", field=field)
    if len(rationale) > MAX_RATIONALE:
        raise DomainError(f"At most {MAX_RATIONALE} characters.", field=field)
    return rationale.strip()


class SpecError(DomainError):
    """A spec that does not match its kind's schema; carries one error per field path."""

    def __init__(self, errors: dict[str, list[str]]):
        first_path, first_messages = next(iter(errors.items()))
        super().__init__(
            f"Invalid spec: {first_path}: {first_messages[0]}", field=first_path, errors=errors
        )


def _nul_paths(value: Any, path: str = "spec") -> list[str]:
    """Paths of strings holding NUL, which PostgreSQL cannot store in jsonb (a 500, not a 400)."""
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _nul_paths(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _nul_paths(item, f"{path}.{index}")]
    return []


def clean_spec(kind: str, spec: Any) -> Any:
    # Exactly what GET /api/v1/clause-kinds/ publishes: a kind without a spec takes null, not {}.
    errors = specs.spec_errors(kind, spec)
    for path in _nul_paths(spec):
        errors.setdefault(path, []).append("Null characters are not allowed.")
    if errors:
        raise SpecError(errors)
    return spec


def version_hash(version: ClauseVersion) -> str:
    content: dict[str, Any] = {
        "clause": version.clause_id,
        "number": version.number,
        "text": version.text,
        "spec": version.spec,
        "rationale": version.rationale,
        "author": version.author_id,
        "created_at": timestamp(version.created_at),
    }
    # Only versions that came from a decision carry it, so earlier hashes still verify.
    if version.accepted_by_id is not None:
        content["accepted_by"] = version.accepted_by_id
    return hashlib.sha256(canonical_json(content)).hexdigest()


def version_add(
    *,
    clause: Clause,
    text: str,
    spec: Any,
    author: User,
    rationale: str,
    amendment: Any = None,
    alternative: Any = None,
    accepted_by: User | None = None,
) -> ClauseVersion:
    """Make the clause's next version and point the clause at it.

    The caller must hold a row lock on ``clause`` (``select_for_update``); the unique
    (clause, number) constraint is the backstop if it does not.
    """
    last = clause.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ClauseVersion(
        clause=clause,
        number=last + 1,
        text=text,
        spec=spec,
        author=author,
        rationale=rationale,
        created_at=timezone.now(),
        amendment=amendment,
        alternative=alternative,
        accepted_by=accepted_by,
    )
    version.hash = version_hash(version)
    version.save(force_insert=True)
    clause.text, clause.spec, clause.current_version = text, spec, version
    clause.save(update_fields=["text", "spec", "current_version"])
    if amendment is None and version.number > 1:
        notices.version_added(version, clause)
    return version


def lock_clause(clause_id: int) -> tuple[Clause, Framework]:
    """Lock the clause row: accepting, resolving and revising must see its true current version.

    The clause comes back with its framework and convening attached, as the predicates read them.
    """
    clause = Clause.objects.select_for_update().get(pk=clause_id)
    framework = Framework.objects.select_related("convening").get(pk=clause.framework_id)
    clause.framework = framework
    return clause, framework
