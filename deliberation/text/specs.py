"""Structured specs of clauses, per kind, as JSON Schema (2020-12). Pure: no Django.

Trigger and lift-condition clauses say exactly when a pause starts and ends; verification and
adjudication clauses say who checks and who decides. The schemas below are what the server
enforces and what ``GET /api/v1/clause-kinds/`` publishes: one source for both.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from deliberation.text import durations
from deliberation.text.durations import ISO_DURATION


def _text(title: str, description: str, max_length: int = 500) -> dict[str, Any]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
        # Not blank, and no NUL (PostgreSQL's jsonb cannot store it). Without a lookahead, which
        # generators of test data (schemathesis) draw from slowly and some regex engines lack.
        "pattern": r"^[^\u0000]*[^\s\u0000][^\u0000]*$",
        "title": title,
        "description": description,
    }


def _duration(title: str, description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": ISO_DURATION,
        "title": title,
        "description": description + " ISO 8601 duration, e.g. P90D.",
    }


_THRESHOLD_PROPERTIES: dict[str, Any] = {
    "metric": _text("Metric", "What is measured, e.g. autonomous task horizon doubling time."),
    "comparator": {
        "type": "string",
        "enum": [">=", ">", "<=", "<"],
        "title": "Comparator",
        "description": "How the measured value is compared with the threshold.",
    },
    "threshold": {
        "type": "number",
        "title": "Threshold",
        "description": "The value compared against.",
    },
    "unit": _text("Unit", "Unit of the metric and threshold, e.g. months.", 100),
    "window": _duration("Measurement window", "Period over which the metric is measured."),
    "evidence_source": _text("Evidence source", "Who or what supplies the measurement."),
}

_NO_SPEC: dict[str, Any] = {
    "title": "No spec",
    "description": "This kind of clause has prose only.",
    "type": "null",
}


def _object(title: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


SCHEMAS: dict[str, dict[str, Any]] = {
    "scope": _NO_SPEC,
    "definition": _NO_SPEC,
    "trigger": _object("Trigger", _THRESHOLD_PROPERTIES),
    "obligation": _NO_SPEC,
    "lift_condition": _object(
        "Lift condition",
        {
            **_THRESHOLD_PROPERTIES,
            "min_duration": _duration(
                "Minimum duration", "How long the condition must hold before the pause lifts."
            ),
        },
    ),
    "verification": _object(
        "Verification",
        {
            "mechanism": _text("Mechanism", "How compliance is checked, e.g. compute audit."),
            "verifier": _text("Verifier", "Who performs the check."),
            "frequency": _text("Frequency", "How often, e.g. quarterly or per training run.", 200),
        },
    ),
    "adjudication": _object(
        "Adjudication",
        {
            "body": _text("Body", "The independent body that decides."),
            "composition": _text(
                "Composition", "Who sits on it, e.g. seats per stakeholder group.", 2000
            ),
            "decision_rule": _text(
                "Decision rule", "How it decides, e.g. two-thirds of members.", 1000
            ),
        },
    ),
    "general": _NO_SPEC,
}

for _schema in SCHEMAS.values():
    Draft202012Validator.check_schema(_schema)

_VALIDATORS = {kind: Draft202012Validator(schema) for kind, schema in SCHEMAS.items()}


def has_spec(kind: str) -> bool:
    return SCHEMAS[kind].get("type") == "object"


def normalize(kind: str, spec: Any) -> Any:
    """Kinds without a spec accept an absent, null or empty spec and store null."""
    if not has_spec(kind) and spec in (None, {}):
        return None
    return spec


def spec_errors(kind: str, spec: Any) -> dict[str, list[str]]:
    """Errors keyed by field path (``spec.threshold``); empty when the spec is valid."""
    errors: dict[str, list[str]] = {}

    def add(path: list[Any], message: str) -> None:
        messages = errors.setdefault(".".join(["spec", *(str(p) for p in path)]), [])
        if message not in messages:
            messages.append(message)

    for error in sorted(
        _VALIDATORS[kind].iter_errors(spec), key=lambda e: [str(p) for p in e.path]
    ):
        path = list(error.path)
        if error.validator == "required":
            for name in error.validator_value:
                if name not in error.instance:
                    add([*path, name], "This field is required.")
        elif error.validator == "additionalProperties":
            known = SCHEMAS[kind]["properties"]
            for name in sorted(set(error.instance) - set(known)):
                add([*path, name], f"Unknown field for a {kind} spec.")
        elif error.validator == "type" and not path:
            if error.validator_value == "null":
                add(path, f"A {kind} clause has no spec; send null.")
            else:
                add(
                    path,
                    f"A {kind} clause needs a spec object with: "
                    f"{', '.join(SCHEMAS[kind]['required'])}.",
                )
        elif error.validator == "pattern" and path and path[-1] in {"window", "min_duration"}:
            add(path, "Must be an ISO 8601 duration such as P90D.")
        elif error.validator == "pattern":
            add(path, "Must contain text, and no NUL characters.")
        elif error.validator == "enum":
            add(path, f"Must be one of: {', '.join(map(str, error.validator_value))}.")
        elif error.validator == "type":
            add(path, f"Must be a {error.validator_value}.")
        else:
            add(path, error.message)
    return errors


# Spec fields whose values are ISO 8601 durations, shown to people as words.
DURATION_FIELDS = frozenset({"window", "min_duration"})


def duration_words(value: Any) -> str:
    """An ISO 8601 duration as people write it ("P180D" → "180 days"); other values as text."""
    return durations.words(str(value))


def readable(name: str, value: Any) -> Any:
    """A spec field's value for people: durations in words, the rest as it is."""
    return duration_words(value) if name in DURATION_FIELDS and isinstance(value, str) else value


def describe(spec: dict[str, Any], kind: str) -> str:
    """One readable sentence for a threshold spec, as shown on clause pages."""
    if kind not in {"trigger", "lift_condition"}:
        return ""
    words = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
    lead = "Pause is triggered when" if kind == "trigger" else "The pause may be lifted when"
    sentence = (
        f"{lead} {spec['metric']} is {words.get(spec['comparator'], spec['comparator'])} "
        f"{spec['threshold']:g} {spec['unit']} over {duration_words(spec['window'])}, "
        f"per {spec['evidence_source']}"
    )
    if kind == "lift_condition":
        sentence += f", sustained for at least {duration_words(spec['min_duration'])}"
    return sentence + "."
