"""Every write on frameworks, clauses and proposals. See the modules for the contracts."""

from deliberation.text.services.alternatives import (
    alternative_choose_by_vote,
    alternative_propose,
    alternative_withdraw,
    alternatives_resolve,
)
from deliberation.text.services.amendments import (
    amendment_accept,
    amendment_accept_by_vote,
    amendment_propose,
    amendment_rebase,
    amendment_reject,
    amendment_withdraw,
)
from deliberation.text.services.clauses import (
    clause_adopt_by_vote,
    clause_create,
    clause_reorder,
    clause_update,
)
from deliberation.text.services.frameworks import (
    PHASE_FIELDS,
    framework_adopt_by_vote,
    framework_create,
    framework_transition,
    framework_update,
)

__all__ = [
    "PHASE_FIELDS",
    "alternative_choose_by_vote",
    "alternative_propose",
    "alternative_withdraw",
    "alternatives_resolve",
    "amendment_accept",
    "amendment_accept_by_vote",
    "amendment_propose",
    "amendment_rebase",
    "amendment_reject",
    "amendment_withdraw",
    "clause_adopt_by_vote",
    "clause_create",
    "clause_reorder",
    "clause_update",
    "framework_adopt_by_vote",
    "framework_create",
    "framework_transition",
    "framework_update",
]
