"""Spec schemas: valid JSON Schema, and the validator agrees with them on every example."""

from __future__ import annotations

import copy

import pytest
from jsonschema import Draft202012Validator

from deliberation.text import specs
from tests.deliberation.conftest import SPECS


@pytest.mark.parametrize("kind", list(specs.SCHEMAS))
def test_every_schema_is_valid_json_schema(kind: str) -> None:
    Draft202012Validator.check_schema(specs.SCHEMAS[kind])


@pytest.mark.parametrize("kind", list(SPECS))
def test_the_examples_are_valid(kind: str) -> None:
    assert specs.spec_errors(kind, SPECS[kind]) == {}


def _broken(kind: str) -> list[tuple[object, str]]:
    """(spec, the path that must be reported) pairs."""
    base = SPECS[kind]
    cases: list[tuple[object, str]] = [(None, "spec"), ([], "spec"), ("text", "spec")]
    for field in base:
        missing = {k: v for k, v in base.items() if k != field}
        cases.append((missing, f"spec.{field}"))
        wrong = copy.deepcopy(base)
        wrong[field] = ["not", "valid"]
        cases.append((wrong, f"spec.{field}"))
    cases.append(({**base, "extra": 1}, "spec.extra"))
    if "comparator" in base:
        cases.append(({**base, "comparator": "=="}, "spec.comparator"))
        cases.append(({**base, "threshold": "4"}, "spec.threshold"))
        cases.append(({**base, "threshold": True}, "spec.threshold"))
        cases.append(({**base, "window": "90 days"}, "spec.window"))
        cases.append(({**base, "window": "P"}, "spec.window"))
        cases.append(({**base, "metric": "   "}, "spec.metric"))
    return cases


@pytest.mark.parametrize(
    ("kind", "spec", "path"),
    [(kind, spec, path) for kind in SPECS for spec, path in _broken(kind)],
)
def test_bad_specs_are_refused_at_their_path_and_by_the_schema(
    kind: str, spec: object, path: str
) -> None:
    errors = specs.spec_errors(kind, spec)
    assert path in errors, errors
    assert not Draft202012Validator(specs.SCHEMAS[kind]).is_valid(spec)


@pytest.mark.parametrize("kind", ["scope", "definition", "obligation", "general"])
def test_prose_kinds_take_no_spec(kind: str) -> None:
    assert specs.normalize(kind, {}) is None
    assert specs.spec_errors(kind, None) == {}
    assert "spec" in specs.spec_errors(kind, {"metric": "x"})


@pytest.mark.parametrize(
    "duration", ["P90D", "P6M", "P1Y2M3D", "PT12H", "P2W", "P1DT1H30M", "PT0.5S"]
)
def test_iso_durations_are_accepted(duration: str) -> None:
    assert specs.spec_errors("trigger", {**SPECS["trigger"], "window": duration}) == {}


def test_describe_reads_like_the_framework() -> None:
    sentence = specs.describe(SPECS["trigger"], "trigger")
    assert sentence == (
        "Pause is triggered when autonomous task horizon doubling time is ≤ 4 months over "
        "180 days, per independent evaluation lab report."
    )
    assert "sustained for at least 90 days" in specs.describe(
        SPECS["lift_condition"], "lift_condition"
    )
