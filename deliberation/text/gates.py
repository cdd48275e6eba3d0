"""What may happen to a framework's text in each status. Pure: no Django.

Role checks (who) live in ``permissions.py`` and answer 403/404; these gates (when) answer 409
with a message naming the statuses in which the action is possible.
"""

from __future__ import annotations

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("consultation", "withdrawn"),
    "consultation": ("draft", "voting", "withdrawn"),
    # "adopted" only through an adopted adopt_framework motion (deliberation.voting).
    "voting": ("consultation", "withdrawn"),
    # "published" only by publishing an edition (deliberation.publishing).
    "adopted": (),
    "published": (),
    "withdrawn": (),
}

# action → framework statuses in which it is allowed
GATES: dict[str, frozenset[str]] = {
    "edit_framework": frozenset({"draft", "consultation"}),
    "edit_clause": frozenset({"draft", "consultation"}),
    "propose": frozenset({"consultation"}),
    "decide": frozenset({"draft", "consultation"}),
    "withdraw_proposal": frozenset({"draft", "consultation", "voting"}),
}

ACTION_NAMES = {
    "edit_framework": "The framework can be edited",
    "edit_clause": "Clauses can be created, edited and reordered",
    "propose": "Amendments and alternatives can be proposed",
    "decide": "Amendments and alternatives can be decided",
    "withdraw_proposal": "Proposals can be withdrawn",
}


def allowed(action: str, status: str) -> bool:
    return status in GATES[action]


def refusal(action: str, status: str) -> str:
    order = list(TRANSITIONS)
    where = " or ".join(s for s in order if s in GATES[action])
    return f"{ACTION_NAMES[action]} only while the framework is in {where}; it is in {status}."


def transition_refusal(current: str, target: str) -> str:
    options = TRANSITIONS.get(current, ())
    allowed_text = ", ".join(options) if options else "none: this status is final"
    return f"A framework in {current} cannot move to {target}. Allowed: {allowed_text}."
