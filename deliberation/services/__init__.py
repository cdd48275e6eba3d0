"""Every write on frameworks, clauses and proposals. See the modules for the contracts."""

from deliberation.services.clauses import clause_create, clause_reorder, clause_update
from deliberation.services.comments import (
    comment_delete,
    comment_edit,
    comment_flag,
    comment_moderate,
    comment_post,
    disposition_set,
    reaction_set,
)
from deliberation.services.frameworks import (
    framework_create,
    framework_transition,
    framework_update,
)
from deliberation.services.proposals import (
    alternative_propose,
    alternative_withdraw,
    alternatives_resolve,
    amendment_accept,
    amendment_propose,
    amendment_rebase,
    amendment_reject,
    amendment_withdraw,
)

__all__ = [
    "alternative_propose",
    "alternative_withdraw",
    "alternatives_resolve",
    "amendment_accept",
    "amendment_propose",
    "amendment_rebase",
    "amendment_reject",
    "amendment_withdraw",
    "clause_create",
    "clause_reorder",
    "clause_update",
    "comment_delete",
    "comment_edit",
    "comment_flag",
    "comment_moderate",
    "comment_post",
    "disposition_set",
    "framework_create",
    "framework_transition",
    "framework_update",
    "reaction_set",
]
