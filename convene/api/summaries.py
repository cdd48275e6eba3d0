"""One line per API operation, shown as its summary in Swagger UI, ReDoc and generated clients.

Kept together so the API reads as one table of contents, in one voice; ``AutoSchema`` looks an
operation up here by method and path (as the schema spells it), and a test fails if an
operation has no line or a line names no operation. What an operation does in detail, and who
may call it, is in the operation's description and in docs/api.md.
"""

from __future__ import annotations

SUMMARIES: dict[tuple[str, str], str] = {
    # accounts and tokens
    ("POST", "/api/v1/auth/token/"): "Sign in: exchange email and password for an API token",
    ("GET", "/api/v1/auth/tokens/"): "List your API tokens",
    ("DELETE", "/api/v1/auth/tokens/{id}/"): "Revoke one of your API tokens",
    ("GET", "/api/v1/me/"): "Your account and memberships",
    ("PATCH", "/api/v1/me/"): "Change your display name or @handle",
    # organizations
    ("GET", "/api/v1/organizations/"): "List organizations",
    ("POST", "/api/v1/organizations/"): "Register an organization",
    ("GET", "/api/v1/organizations/{id}/"): "Read an organization",
    # convenings, members, invitations, audit
    ("GET", "/api/v1/convenings/"): "List the convenings you can see",
    ("POST", "/api/v1/convenings/"): "Create a convening (you become its organizer)",
    ("GET", "/api/v1/convenings/{slug}/"): "Read a convening",
    ("PATCH", "/api/v1/convenings/{slug}/"): "Change a convening's settings",
    ("GET", "/api/v1/convenings/{slug}/members/"): "List a convening's members",
    ("POST", "/api/v1/convenings/{slug}/members/"): "Add a member by email (or invite them)",
    ("GET", "/api/v1/convenings/{slug}/members/{id}/"): "Read a membership",
    ("PATCH", "/api/v1/convenings/{slug}/members/{id}/"): "Change a member's role or group",
    ("DELETE", "/api/v1/convenings/{slug}/members/{id}/"): "Remove a member",
    ("GET", "/api/v1/convenings/{slug}/invitations/"): "List a convening's invitations",
    ("POST", "/api/v1/convenings/{slug}/invitations/"): "Invite someone by email",
    ("POST", "/api/v1/convenings/{slug}/invitations/{id}/revoke/"): "Revoke an invitation",
    ("POST", "/api/v1/invitations/{token}/accept/"): "Accept an invitation",
    ("GET", "/api/v1/convenings/{slug}/audit/"): "Read a convening's audit trail",
    # frameworks and clauses
    ("GET", "/api/v1/convenings/{slug}/frameworks/"): "List a convening's frameworks",
    ("POST", "/api/v1/convenings/{slug}/frameworks/"): "Create a framework",
    ("GET", "/api/v1/frameworks/{slug}/"): "Read a framework",
    ("PATCH", "/api/v1/frameworks/{slug}/"): "Change a framework's title or description",
    ("POST", "/api/v1/frameworks/{slug}/transition/"): "Move a framework to its next status",
    ("GET", "/api/v1/frameworks/{slug}/clauses/"): "List a framework's clauses, in order",
    ("POST", "/api/v1/frameworks/{slug}/clauses/"): "Add a clause",
    ("POST", "/api/v1/frameworks/{slug}/clauses/reorder/"): "Reorder a framework's clauses",
    ("GET", "/api/v1/frameworks/{slug}/dispositions/"): "The disposition table (JSON or CSV)",
    ("GET", "/api/v1/clause-kinds/"): "List clause kinds and their spec schemas",
    ("GET", "/api/v1/clauses/{id}/"): "Read a clause with its current text",
    ("PATCH", "/api/v1/clauses/{id}/"): "Edit a clause (a new version, during drafting)",
    ("GET", "/api/v1/clauses/{id}/versions/"): "List a clause's versions",
    ("GET", "/api/v1/clauses/{id}/versions/{number}/"): "Read one version of a clause",
    ("GET", "/api/v1/clauses/{id}/diff/"): "Compare two versions of a clause",
    ("POST", "/api/v1/clauses/{id}/resolve/"): "Resolve a bracketed clause to one alternative",
    # amendments and alternatives
    ("GET", "/api/v1/clauses/{id}/amendments/"): "List a clause's amendments",
    ("POST", "/api/v1/clauses/{id}/amendments/"): "Propose an amendment",
    ("POST", "/api/v1/amendments/{id}/accept/"): "Accept an amendment (a new version)",
    ("POST", "/api/v1/amendments/{id}/reject/"): "Reject an amendment, with a reason",
    ("POST", "/api/v1/amendments/{id}/withdraw/"): "Withdraw your amendment",
    ("POST", "/api/v1/amendments/{id}/rebase/"): "Rebase your amendment on the current version",
    ("GET", "/api/v1/clauses/{id}/alternatives/"): "List a bracketed clause's alternatives",
    ("POST", "/api/v1/clauses/{id}/alternatives/"): "Table an alternative text",
    ("POST", "/api/v1/alternatives/{id}/withdraw/"): "Withdraw your alternative",
    # voting rounds
    ("GET", "/api/v1/frameworks/{slug}/rounds/"): "List a framework's voting rounds",
    ("POST", "/api/v1/frameworks/{slug}/rounds/"): "Draft a voting round with its motions",
    ("GET", "/api/v1/rounds/{id}/"): "Read a voting round",
    ("PATCH", "/api/v1/rounds/{id}/"): "Change a round before it opens",
    ("POST", "/api/v1/rounds/{id}/open/"): "Open a round: freeze its rules, take the roll",
    ("POST", "/api/v1/rounds/{id}/close/"): "Close a round: count, decide, publish the record",
    ("POST", "/api/v1/rounds/{id}/cancel/"): "Cancel a round",
    ("GET", "/api/v1/rounds/{id}/ballot/"): "Read your ballot and receipt",
    ("PUT", "/api/v1/rounds/{id}/ballot/"): "Cast or replace your ballot",
    ("GET", "/api/v1/rounds/{id}/results/"): "A round's results (turnout only while open)",
    ("GET", "/api/v1/rounds/{id}/record/"): "A closed round's record of ballots, to verify",
    ("GET", "/api/v1/rounds/{id}/roll/"): "A round's eligible roll",
    # the public record
    ("POST", "/api/v1/frameworks/{slug}/publish/"): "Publish an adopted framework's next edition",
    ("GET", "/api/v1/published/"): "List published frameworks, latest edition each",
    ("GET", "/api/v1/search/"): "Search frameworks, clauses and comments",
    ("GET", "/api/v1/published/{slug}/"): "The latest edition's JSON export",
    ("GET", "/api/v1/published/{slug}/editions/{number}/"): "One edition's JSON export",
    # comments
    ("GET", "/api/v1/clauses/{id}/comments/"): "List a clause's comments (cursor-paged)",
    ("POST", "/api/v1/clauses/{id}/comments/"): "Comment on a clause, or reply",
    ("GET", "/api/v1/comments/{id}/"): "Read a comment",
    ("PATCH", "/api/v1/comments/{id}/"): "Edit your comment",
    ("DELETE", "/api/v1/comments/{id}/"): "Delete your comment (a tombstone stays)",
    ("PUT", "/api/v1/comments/{id}/reaction/"): "React to a comment: agree, disagree or pass",
    ("DELETE", "/api/v1/comments/{id}/reaction/"): "Take back your reaction",
    ("POST", "/api/v1/comments/{id}/flag/"): "Flag a comment for the organizers",
    ("POST", "/api/v1/comments/{id}/moderate/"): "Hide or restore a comment, with a reason",
    ("POST", "/api/v1/comments/{id}/flags/dismiss/"): "Dismiss a comment's open flags as unfounded",
    ("PUT", "/api/v1/comments/{id}/disposition/"): "Record how a comment was taken into account",
    # notifications and following
    ("GET", "/api/v1/notifications/"): "List your notifications, newest first (cursor-paged)",
    ("POST", "/api/v1/notifications/mark-read/"): "Mark notifications read: some, or all",
    ("GET", "/api/v1/me/notification-preferences/"): "Read your notification preferences",
    ("PUT", "/api/v1/me/notification-preferences/"): "Change your notification preferences",
    ("PUT", "/api/v1/clauses/{id}/follow/"): "Follow a clause",
    ("DELETE", "/api/v1/clauses/{id}/follow/"): "Stop following a clause",
    ("PUT", "/api/v1/frameworks/{slug}/follow/"): "Follow a framework",
    ("DELETE", "/api/v1/frameworks/{slug}/follow/"): "Stop following a framework",
    ("GET", "/api/v1/clauses/{id}/summary/"): "A clause's thread summary",
}
