"""Forms of the drafting pages: frameworks, clauses, amendments, alternatives.

Spec fields are generated from the kind's JSON Schema (``specs.SCHEMAS``), one fieldset per kind
that has a spec, with fields named ``<kind>__<property>``. The forms only collect the values;
the services validate the spec against the same schema and their per-field errors
(``spec.threshold``) are put back next to the generated field by ``add_spec_errors``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy

from convene.errors import DomainError
from deliberation.models import ClauseKind
from deliberation.text import durations, specs
from deliberation.text.services.common import SpecError
from frontend.forms import SingleLineField
from frontend.timezones import current_zone

SPEC_KINDS = [kind for kind in ClauseKind.values if specs.has_spec(kind)]
MARKDOWN_HELP = "Markdown: *emphasis*, **strong**, lists, links. No images or HTML."


def _normalized_text(value: str) -> str:
    """Browsers send textarea line breaks as CRLF; versions and diffs are kept with LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def spec_field_name(kind: str, name: str) -> str:
    return f"{kind}__{name}"


def _spec_field(name: str, schema: dict[str, Any]) -> forms.Field:
    label = schema.get("title", name)
    help_text = schema.get("description", "")
    if "enum" in schema:
        choices = [("", "— choose —"), *((v, v) for v in schema["enum"])]
        return forms.ChoiceField(label=label, help_text=help_text, choices=choices, required=False)
    widget: forms.Widget
    if schema.get("type") == "number":
        widget = forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})
        return forms.CharField(label=label, help_text=help_text, required=False, widget=widget)
    if schema.get("pattern") == specs.ISO_DURATION:
        return DurationField(label=label, help_text=_duration_help(help_text), required=False)
    attrs: dict[str, str] = {}
    if schema.get("maxLength", 500) > 500:
        widget = forms.Textarea(attrs={"rows": 3, **attrs})
    else:
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, help_text=help_text, required=False, widget=widget)


def _duration_help(description: str) -> str:
    """The schema's description without its note for API clients about ISO 8601."""
    return description.split(" ISO 8601")[0] + " In words, e.g. 180 days or 6 months."


class DurationField(forms.CharField):
    """A duration typed in words ("180 days", "6 months", or ISO 8601 "P180D"), cleaned to
    ISO 8601 for the spec, and shown in words."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "e.g. 180 days"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return durations.words(value) if isinstance(value, str) else value

    def to_python(self, value: Any) -> str:
        raw = super().to_python(value)
        if not raw:
            return ""
        try:
            return durations.parse(raw)
        except durations.DurationError as error:
            raise forms.ValidationError(str(error), code="duration") from error


def _number(raw: str) -> Any:
    """A number for the spec; anything unparseable is passed on so the schema names the error."""
    try:
        value = float(raw)
    except ValueError:
        return raw
    if value != value or value in (float("inf"), float("-inf")):
        return raw
    return int(value) if value.is_integer() and "e" not in raw.lower() else value


class SpecFieldsMixin:
    """Adds the spec fields of ``spec_kinds`` and reads them back as a spec dict."""

    spec_kinds: list[str]
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_spec_fields(self, spec_kinds: list[str], initial_spec: dict[str, Any] | None) -> None:
        self.spec_kinds = spec_kinds
        for kind in spec_kinds:
            for name, schema in specs.SCHEMAS[kind]["properties"].items():
                field = _spec_field(name, schema)
                if initial_spec and name in initial_spec:
                    field.initial = initial_spec[name]
                self.fields[spec_field_name(kind, name)] = field

    def spec_groups(self) -> list[dict[str, Any]]:
        """The generated fields per kind, for the template's fieldsets."""
        bound = self  # a Form: indexing it gives the bound field
        return [
            {
                "kind": kind,
                "label": ClauseKind(kind).label,
                "fields": [
                    bound[spec_field_name(kind, name)]  # type: ignore[index]
                    for name in specs.SCHEMAS[kind]["properties"]
                ],
            }
            for kind in self.spec_kinds
        ]

    def spec_for(self, kind: str) -> Any:
        """The spec typed into ``kind``'s fieldset; None for kinds without one. Blank fields
        are left out, so the service reports them as required."""
        if not specs.has_spec(kind):
            return None
        spec: dict[str, Any] = {}
        for name, schema in specs.SCHEMAS[kind]["properties"].items():
            raw = (self.cleaned_data.get(spec_field_name(kind, name)) or "").strip()
            if not raw:
                continue
            spec[name] = _number(raw) if schema.get("type") == "number" else raw
        return spec

    def add_service_error(self, error: DomainError, kind: str) -> None:
        """Put a service refusal next to its field: spec paths go to the generated fields."""
        form: Any = self
        if isinstance(error, SpecError):
            for path, messages in error.errors.items():
                name = spec_field_name(kind, path.removeprefix("spec."))
                target = name if path.startswith("spec.") and name in self.fields else None
                for message in messages:
                    form.add_error(target, message if target else f"{path}: {message}")
            return
        form.add_error(error.field if error.field in self.fields else None, error.message)


class FrameworkForm(forms.Form):
    title = SingleLineField(max_length=200)
    preamble = forms.CharField(
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )

    def clean_preamble(self) -> str:
        return _normalized_text(self.cleaned_data["preamble"])


class FrameworkCreateForm(FrameworkForm):
    slug = forms.SlugField(
        required=False,
        max_length=80,
        help_text="Optional web address, e.g. coordinated-pause; made from the title if empty.",
    )


def _moment(label: str, help_text: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=format_lazy("{} In {}; leave empty if not set.", help_text, current_zone()),
    )


class FrameworkEditForm(FrameworkForm):
    """The title and preamble, and the dated phases of the process."""

    consultation_opens_at = _moment("Consultation opens", "When commenting opens.")
    consultation_closes_at = _moment(
        "Consultation closes", "After it, commenting and proposing close by themselves."
    )
    voting_planned_at = _moment("Voting planned", "At or after the consultation's close.")


class ClauseForm(SpecFieldsMixin, forms.Form):
    """Create or edit a clause: the spec fieldsets of every kind that has one are generated;
    only the chosen kind's fieldset is read."""

    kind = forms.ChoiceField(choices=ClauseKind.choices)
    title = SingleLineField(max_length=200)
    text = forms.CharField(
        max_length=50_000, widget=forms.Textarea(attrs={"rows": 10}), help_text=MARKDOWN_HELP
    )
    rationale = forms.CharField(
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this wording. Required when an edit changes the text or the spec.",
    )

    def __init__(self, *args: Any, initial_spec: dict[str, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        kind = (self.initial or {}).get("kind")
        self.add_spec_fields(SPEC_KINDS, initial_spec)
        if initial_spec and kind in SPEC_KINDS:
            # Prefill only the current kind's fieldset; the others start empty.
            for other in SPEC_KINDS:
                if other != kind:
                    for name in specs.SCHEMAS[other]["properties"]:
                        self.fields[spec_field_name(other, name)].initial = None

    def clean_text(self) -> str:
        return _normalized_text(self.cleaned_data["text"])

    def clean_rationale(self) -> str:
        return _normalized_text(self.cleaned_data["rationale"])


class ProposalForm(SpecFieldsMixin, forms.Form):
    """An amendment or an alternative: new text (and spec, for kinds that have one)."""

    text = forms.CharField(
        max_length=50_000, widget=forms.Textarea(attrs={"rows": 10}), help_text=MARKDOWN_HELP
    )
    rationale = forms.CharField(
        max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}), help_text="Why this wording."
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        initial_spec: dict[str, Any] | None = None,
        rationale_required: bool = True,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["rationale"].required = rationale_required
        self.add_spec_fields([kind] if specs.has_spec(kind) else [], initial_spec)

    def clean_text(self) -> str:
        return _normalized_text(self.cleaned_data["text"])

    def clean_rationale(self) -> str:
        return _normalized_text(self.cleaned_data["rationale"])

    def spec(self) -> Any:
        return self.spec_for(self.kind)


class DecisionForm(forms.Form):
    reason = forms.CharField(
        required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RebaseForm(forms.Form):
    text = forms.CharField(max_length=50_000, widget=forms.Textarea(attrs={"rows": 6}))

    def clean_text(self) -> str:
        return _normalized_text(self.cleaned_data["text"])


class ResolveForm(forms.Form):
    alternative = forms.TypedChoiceField(
        coerce=int, widget=forms.RadioSelect, label="Chosen option"
    )
    reason = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, alternatives: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["alternative"].choices = [(a.pk, f"Option {a.label}") for a in alternatives]  # type: ignore[attr-defined]
