"""The ballot form: one group of fields per motion of the round, drawn as the no-JavaScript
form (radio groups, rank selects, checkboxes) that voting.js enhances. It checks the shape of
each choice and puts each problem next to its motion; ``ballot_cast`` decides the rest.
"""

from __future__ import annotations

from typing import Any

from django import forms

from deliberation.models import Alternative, Motion
from frontend.views.voting.forms import normalized_text

RANK_BLANK = ""

POSITIONS = [("yes", "Yes"), ("no", "No"), ("abstain", "Abstain"), ("object", "Object")]


def position_name(motion: Motion) -> str:
    return f"motion-{motion.pk}-position"


def reason_name(motion: Motion) -> str:
    return f"motion-{motion.pk}-reason"


def rank_name(motion: Motion, alternative: Alternative) -> str:
    return f"motion-{motion.pk}-rank-{alternative.pk}"


def approve_name(motion: Motion) -> str:
    return f"motion-{motion.pk}-approve"


class BallotForm(forms.Form):
    """A voter's choices, one group of fields per motion:

    - yes/no: ``motion-<id>-position`` (yes, no, abstain, object) and ``motion-<id>-reason``,
      required with an objection and only with it;
    - ranked (Schulze): ``motion-<id>-rank-<alternative id>``, a rank from 1 or blank for
      unranked (the no-JavaScript form; voting.js turns it into a reorderable list);
    - approval: ``motion-<id>-approve``, the approved alternatives' ids.

    A motion left blank is skipped; at least one must be answered.
    """

    def __init__(
        self,
        *args: Any,
        motions: list[Motion],
        alternatives: dict[int, list[Alternative]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.motions = motions
        self.alternatives = alternatives
        for motion in motions:
            if motion.is_yes_no:
                self.fields[position_name(motion)] = forms.ChoiceField(
                    choices=POSITIONS, required=False, widget=forms.RadioSelect
                )
                self.fields[reason_name(motion)] = forms.CharField(
                    required=False,
                    max_length=5_000,
                    label=f"Reason for objecting to motion {motion.position}",
                    widget=forms.Textarea(attrs={"rows": 3}),
                    help_text="Required with Object, and only with it: it is published with "
                    "your group.",
                )
            elif motion.method == Motion.Method.SCHULZE:
                options = alternatives.get(motion.pk, [])
                ranks = [(RANK_BLANK, "Not ranked")] + [
                    (str(n), str(n)) for n in range(1, len(options) + 1)
                ]
                for alternative in options:
                    self.fields[rank_name(motion, alternative)] = forms.ChoiceField(
                        choices=ranks, required=False, label=f"Option {alternative.label}"
                    )
            else:
                self.fields[approve_name(motion)] = forms.MultipleChoiceField(
                    choices=[
                        (str(a.pk), f"Option {a.label}") for a in alternatives.get(motion.pk, [])
                    ],
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )

    @classmethod
    def initial_from(cls, choices: list[dict[str, Any]], motions: list[Motion]) -> dict[str, Any]:
        """Field values that show a cast ballot's ``choices`` again (to change it)."""
        by_id = {m.pk: m for m in motions}
        initial: dict[str, Any] = {}
        for choice in choices:
            motion = by_id.get(choice.get("motion"))  # type: ignore[arg-type]
            if motion is None:
                continue
            if "position" in choice:
                initial[position_name(motion)] = choice["position"]
                initial[reason_name(motion)] = choice.get("reason", "")
            elif "ranking" in choice:
                for rank, alternative_id in enumerate(choice["ranking"], start=1):
                    initial[f"motion-{motion.pk}-rank-{alternative_id}"] = str(rank)
            elif "approvals" in choice:
                initial[approve_name(motion)] = [str(a) for a in choice["approvals"]]
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for motion in self.motions:
            if motion.is_yes_no:
                self._check_reason(motion, data)
            elif motion.method == Motion.Method.SCHULZE:
                self._check_ranks(motion, data)
        if not self.errors and not self.choices_from(data):
            raise forms.ValidationError("Choose on at least one motion.", code="empty")
        return data

    def _check_reason(self, motion: Motion, data: dict[str, Any]) -> None:
        position = data.get(position_name(motion)) or ""
        reason = (data.get(reason_name(motion)) or "").strip()
        if position == "object" and not reason:
            self.add_error(reason_name(motion), "Give a reason for your objection.")
        elif reason and position != "object":
            self.add_error(
                reason_name(motion),
                "A reason goes with an objection only: choose Object, or clear the reason.",
            )

    def _check_ranks(self, motion: Motion, data: dict[str, Any]) -> None:
        seen: dict[str, str] = {}
        for alternative in self.alternatives.get(motion.pk, []):
            name = rank_name(motion, alternative)
            rank = data.get(name) or RANK_BLANK
            if rank == RANK_BLANK:
                continue
            if rank in seen:
                self.add_error(
                    name,
                    f"Option {alternative.label} has the same rank as option {seen[rank]}: "
                    "give each option its own rank.",
                )
            seen[rank] = alternative.label

    def rows(self) -> list[dict[str, Any]]:
        """The bound fields per motion, in motion order, for the template."""
        rows = []
        for motion in self.motions:
            row: dict[str, Any] = {"motion": motion}
            options = self.alternatives.get(motion.pk, [])
            if motion.is_yes_no:
                row["position"] = self[position_name(motion)]
                row["positions"] = POSITIONS
                row["reason"] = self[reason_name(motion)]
                names = [position_name(motion), reason_name(motion)]
            elif motion.method == Motion.Method.SCHULZE:
                row["ranks"] = [(a, self[rank_name(motion, a)]) for a in options]
                names = [rank_name(motion, a) for a in options]
            else:
                row["approve"] = self[approve_name(motion)]
                row["approved"] = [str(v) for v in row["approve"].value() or []]
                row["options"] = options
                names = [approve_name(motion)]
            # The motion's first problem, for the summary above the form.
            row["invalid"] = next((str(e) for n in names for e in self.errors.get(n, [])), "")
            rows.append(row)
        return rows

    def choices_from(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """The ``choices`` of ``ballot_cast``, for the motions answered."""
        choices: list[dict[str, Any]] = []
        for motion in self.motions:
            if motion.is_yes_no:
                position = data.get(position_name(motion))
                if position:
                    choice: dict[str, Any] = {"motion": motion.pk, "position": position}
                    reason = normalized_text(data.get(reason_name(motion)) or "").strip()
                    if reason:
                        choice["reason"] = reason
                    choices.append(choice)
            elif motion.method == Motion.Method.SCHULZE:
                ranked = sorted(
                    (int(data[rank_name(motion, a)]), a.pk)
                    for a in self.alternatives.get(motion.pk, [])
                    if data.get(rank_name(motion, a))
                )
                if ranked:
                    choices.append({"motion": motion.pk, "ranking": [pk for _, pk in ranked]})
            else:
                # In the options' order (by label), whatever order the browser sent them in.
                ticked = set(data.get(approve_name(motion)) or [])
                options = self.alternatives.get(motion.pk, [])
                approvals = [a.pk for a in options if str(a.pk) in ticked]
                if approvals:
                    choices.append({"motion": motion.pk, "approvals": approvals})
        return choices

    def choices(self) -> list[dict[str, Any]]:
        return self.choices_from(self.cleaned_data)
