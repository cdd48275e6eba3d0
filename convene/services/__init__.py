"""Every write on the people side. Keyword-only arguments, one transaction each, an audit event
for each change, ``DomainError`` for anything refused. Callers check access first
(``convene.permissions``); services enforce the domain's own invariants."""

from convene.services.accounts import (
    email_address_verify,
    email_verified_account,
    has_verified_email,
    organization_create,
    user_create,
    user_profile_update,
)
from convene.services.api_tokens import (
    api_token_create,
    api_token_revoke,
    api_tokens_revoke_all,
)
from convene.services.convenings import convening_create, convening_update
from convene.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_revoke,
    member_add_by_email,
    token_hash,
)
from convene.services.members import member_add, member_remove, member_update

__all__ = [
    "api_token_create",
    "api_token_revoke",
    "api_tokens_revoke_all",
    "convening_create",
    "convening_update",
    "email_address_verify",
    "email_verified_account",
    "has_verified_email",
    "invitation_accept",
    "invitation_create",
    "invitation_for_token",
    "invitation_revoke",
    "member_add",
    "member_add_by_email",
    "member_remove",
    "member_update",
    "organization_create",
    "token_hash",
    "user_create",
    "user_profile_update",
]
