"""The round builder's forms: the round, a rule form per yes/no motion and a method per choice
among alternatives. They check the shape of the input and put each problem next to its field;
``round_create`` decides the rest, and its ``DomainError`` is shown on the form as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.text import format_lazy

from deliberation.models import Motion, VotingRound
from deliberation.voting import tally
from frontend.forms import SingleLineField
from frontend.timezones import current_zone

THRESHOLDS = [
    (tally.Threshold.SIMPLE.value, "Simple majority (more than half of votes cast)"),
    (tally.Threshold.TWO_THIRDS.value, "Two-thirds of votes cast"),
    (tally.Threshold.THREE_QUARTERS.value, "Three-quarters of votes cast"),
    (tally.Threshold.ABSOLUTE.value, "Absolute majority (more than half of those eligible)"),
]
UNITS = [
    (tally.Unit.PERSON.value, "One vote per delegate"),
    (tally.Unit.ORGANIZATION.value, "One vote per organization (its head of delegation)"),
]
BALLOT_MODES = [
    (
        VotingRound.BallotMode.RECORDED.value,
        "Recorded: the published record shows who cast each ballot (as the convening's "
        "attribution allows) and how they voted.",
    ),
    (
        VotingRound.BallotMode.SECRET.value,
        "Secret: the published record shows each ballot's choices and receipt but not who "
        "cast it, to anyone, organizers included.",
    ),
]
SECRET_LIMITS = (
    "What secret mode does not hide: the server's database still links each ballot to its "
    "voter, so whoever operates the server could find out; organizers still see the roll of "
    "who may vote; and the reason given with an objection is published (with the group it "
    "came from)."
)
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


def normalized_text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _datetime_field(label: StrOrPromise, help_text: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


# --- the round builder ----------------------------------------------------------------------------
@dataclass
class Candidate:
    """Something the framework lets a round decide: one checkbox of the builder."""

    key: str  # the checkbox's value, and the prefix of its rule or method fields
    kind: str
    label: str  # plain text; the template escapes it
    clause: int | None = None
    amendment: int | None = None
    detail: str = ""
    options: list[str] = field(default_factory=list)

    @property
    def yes_no(self) -> bool:
        return self.kind != Motion.Kind.CHOOSE_ALTERNATIVE

    def motion(self, rule: dict[str, Any] | None, method: str) -> dict[str, Any]:
        """The entry of ``round_create``'s ``motions``."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.clause is not None and self.kind != Motion.Kind.ACCEPT_AMENDMENT:
            out["clause"] = self.clause
        if self.amendment is not None:
            out["amendment"] = self.amendment
        if self.yes_no:
            out["rule"] = rule
        else:
            out["method"] = method
        return out


class RuleForm(forms.Form):
    """One yes/no motion's rule, prefixed with its candidate's key. The vote unit is the
    round's (``RoundForm.unit``): every yes/no motion of a round shares it."""

    threshold = forms.ChoiceField(choices=THRESHOLDS, initial=tally.Threshold.SIMPLE.value)
    quorum_percent = forms.IntegerField(
        label="Quorum (% of the roll taking part)",
        min_value=0,
        max_value=100,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1"}),
    )
    consent = forms.BooleanField(required=False, label="Consent: any objection blocks the motion")
    chambers = forms.BooleanField(
        required=False, label="Chambers: the rule must hold in each stakeholder group"
    )

    def rule(self, unit: str) -> dict[str, Any]:
        return {**self.cleaned_data, "unit": unit}


def unit_or_default(value: Any) -> str:
    """The vote unit typed, or the default for anything else (the explanation still shows)."""
    units = {u.value for u in tally.Unit}
    return value if value in units else tally.Unit.PERSON.value


def explain(rule_form: RuleForm, unit: str) -> str:
    """The rule typed so far in plain words, or what is wrong with it."""
    if not rule_form.is_bound:
        return tally.Rule(threshold=tally.Threshold.SIMPLE, unit=tally.Unit(unit)).explain()
    if not rule_form.is_valid():
        return "Choose a threshold and a quorum between 0 and 100 to see the rule in words."
    try:
        return tally.Rule.from_dict(rule_form.rule(unit)).explain()
    except ValueError as error:
        return str(error)


class MethodForm(forms.Form):
    method = forms.ChoiceField(
        label="Method",
        choices=Motion.Method.choices,
        initial=Motion.Method.SCHULZE,
        help_text="Ranked: voters order the options. Approval: voters tick every option they "
        "accept.",
    )


class RoundForm(forms.Form):
    title = SingleLineField(max_length=200)
    description = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown: *emphasis*, **strong**, lists, links. No images or HTML.",
    )
    ballot_mode = forms.ChoiceField(
        label="Ballots",
        choices=BALLOT_MODES,
        initial=VotingRound.BallotMode.RECORDED,
        widget=forms.RadioSelect,
        help_text=SECRET_LIMITS,
    )
    opens_at = _datetime_field(
        format_lazy("Opens at ({})", current_zone()),
        "Optional: the round opens itself at this time. Leave empty to open it by hand.",
    )
    closes_at = _datetime_field(
        format_lazy("Closes at ({})", current_zone()),
        "Optional: the round closes itself at this time. Leave empty to close it by hand.",
    )
    unit = forms.ChoiceField(
        label="Vote unit",
        choices=UNITS,
        initial=tally.Unit.PERSON.value,
        help_text="Shared by every yes/no motion of the round.",
    )
    motions = forms.MultipleChoiceField(
        label="Motions", widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.fields["motions"].choices = [(c.key, c.label) for c in candidates]  # type: ignore[attr-defined]
        self.rule_forms = {
            c.key: RuleForm(self.data or None, prefix=c.key) for c in candidates if c.yes_no
        }
        self.method_forms = {
            c.key: MethodForm(self.data or None, prefix=c.key) for c in candidates if not c.yes_no
        }

    def clean_description(self) -> str:
        return normalized_text(self.cleaned_data["description"])

    def clean_motions(self) -> list[str]:
        chosen = self.cleaned_data["motions"]
        if not chosen:
            raise forms.ValidationError("Choose at least one motion.")
        return list(chosen)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        chosen = set(self.cleaned_data.get("motions") or [])
        # Only the chosen motions' rules and methods are read, so only theirs must be valid.
        parts = [f for key, f in {**self.rule_forms, **self.method_forms}.items() if key in chosen]
        return all([valid, *(f.is_valid() for f in parts)])

    def motion_entries(self) -> list[dict[str, Any]]:
        """The chosen motions in candidate order (clause order, the framework last)."""
        chosen = set(self.cleaned_data["motions"])
        unit = self.cleaned_data["unit"]
        entries = []
        for candidate in self.candidates:
            if candidate.key not in chosen:
                continue
            if candidate.yes_no:
                entries.append(candidate.motion(self.rule_forms[candidate.key].rule(unit), ""))
            else:
                method = self.method_forms[candidate.key].cleaned_data["method"]
                entries.append(candidate.motion(None, method))
        return entries

    def unit_value(self) -> str:
        return unit_or_default(self.data.get("unit") if self.is_bound else None)

    def rows(self) -> list[dict[str, Any]]:
        """What the template draws per candidate: its checkbox state, rule or method form,
        and the rule in words."""
        chosen = set(self.data.getlist("motions")) if self.is_bound else set()  # type: ignore[attr-defined]
        unit = self.unit_value()
        rows = []
        for candidate in self.candidates:
            rule_form = self.rule_forms.get(candidate.key)
            rows.append(
                {
                    "candidate": candidate,
                    "checked": candidate.key in chosen,
                    "rule_form": rule_form,
                    "method_form": self.method_forms.get(candidate.key),
                    "explanation": explain(rule_form, unit) if rule_form is not None else "",
                    "invalid": candidate.key in chosen
                    and any(
                        f is not None and f.is_bound and bool(f.errors)
                        for f in (rule_form, self.method_forms.get(candidate.key))
                    ),
                }
            )
        return rows
