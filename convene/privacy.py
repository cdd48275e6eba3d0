"""Who can see what in a convening, in words: the privacy line on the convening page.

The sentences follow the rules as the code applies them: visibility (convene.permissions),
attribution (deliberation.discussion.attribution, deliberation.voting.selectors.VoterShown) and
what publishing makes public (deliberation.publishing.export); whoever changes one of those
rules changes its sentence here (tests/frontend/test_home_and_privacy.py pins them).
"""

from __future__ import annotations

from convene.models import Convening


def privacy_lines(convening: Convening) -> list[str]:
    """Three sentences: who reads the convening, how authors and voters are shown, and what a
    published framework makes public."""
    return [_visibility(convening), _attribution(convening), _publishing(convening)]


def _visibility(convening: Convening) -> str:
    if convening.visibility == Convening.Visibility.PUBLIC:
        return (
            "Public convening: anyone, signed in or not, can read its frameworks, clauses, "
            "comments and voting rounds; only members can comment, propose or vote, and only "
            "members see the names on the member list."
        )
    return (
        "Private convening: only its members can read its frameworks, clauses, comments, "
        "voting rounds and member list."
    )


def _attribution(convening: Convening) -> str:
    if convening.attribution == Convening.Attribution.NAMED:
        return (
            "Named attribution: comments and recorded votes show their author's name to "
            "everyone who can read them."
        )
    shown = (
        "stakeholder group and country"
        if convening.attribution_shows_country
        else "stakeholder group"
    )
    return (
        f"Group attribution (Chatham House): comments and recorded votes show only their "
        f"author's {shown} — to members, to the public, and in every export, feed and search "
        f"result. Only this convening's organizers can see who wrote or voted what."
    )


def _publishing(convening: Convening) -> str:
    lead = (
        "When a framework is published, its text and decision record become public: the "
        "participating delegations, results by stakeholder group, objections' reasons and "
        "comment counts, never a person's name."
    )
    if convening.visibility == Convening.Visibility.PRIVATE:
        return lead + " Its comments and the convening's other pages stay private."
    return lead
