from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from convene.audit import audit_verify, convening_chain
from convene.models import AuditEvent, Convening, Invitation, Membership, Role


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_and_is_idempotent(capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo")
    convening = Convening.objects.get(slug="global-ai-safety-brake")
    members = Membership.objects.filter(convening=convening)
    groups = {
        g for g in members.filter(role=Role.PARTICIPANT).values_list("stakeholder_group", flat=True)
    }
    assert groups == {"policymaker", "industry", "civil_society"}
    assert members.filter(role=Role.PARTICIPANT).count() == 18
    assert members.filter(role=Role.OBSERVER).count() == 2
    assert members.filter(role=Role.ORGANIZER).count() == 1
    countries = set(
        members.exclude(organization=None).values_list("organization__country", flat=True)
    )
    assert len(countries) >= 5
    assert Invitation.objects.filter(convening=convening, accepted_at=None).count() == 3
    events = AuditEvent.objects.count()

    call_command("seed_demo")
    assert Membership.objects.filter(convening=convening).count() == members.count()
    assert AuditEvent.objects.count() == events
    assert audit_verify(convening_chain(convening)) is None
    out = capsys.readouterr().out
    assert "amara.okafor@example.org" in out and "brake-demo-2026" in out


@pytest.mark.django_db
def test_seed_demo_adds_the_framework_in_consultation() -> None:
    from deliberation.models import Alternative, Amendment, Clause, ClauseKind, Framework

    call_command("seed_demo")
    call_command("seed_demo")
    framework = Framework.objects.get(slug="coordinated-pause-framework")
    assert framework.status == "consultation"
    clauses = Clause.objects.filter(framework=framework)
    assert clauses.count() >= 12
    assert set(clauses.values_list("kind", flat=True)) == set(ClauseKind.values)
    assert sum(1 for c in clauses if c.current_version.number > 1) >= 3
    assert Amendment.objects.filter(clause__framework=framework, status="open").count() >= 2
    bracketed = clauses.get(status="bracketed")
    assert Alternative.objects.filter(clause=bracketed, status="open").count() == 2


@pytest.mark.django_db
def test_seed_demo_adds_the_discussion() -> None:
    from deliberation.models import Comment, Disposition, Flag, Reaction

    call_command("seed_demo")
    call_command("seed_demo")
    comments = Comment.objects.filter(clause__framework__slug="coordinated-pause-framework")
    assert comments.count() == 150
    top = comments.filter(parent=None)
    assert set(comments.values_list("author_group", flat=True)) >= {
        "policymaker",
        "industry",
        "civil_society",
    }
    assert (
        comments.exclude(parent=None).exists() and comments.exclude(anchor_paragraph=None).exists()
    )
    assert Reaction.objects.filter(comment__in=comments).exists()
    assert Flag.objects.filter(comment__in=comments).count() == 2
    dispositions = Disposition.objects.filter(comment__in=comments).count()
    assert top.count() // 4 <= dispositions <= top.count() // 2


def test_the_demo_fills_inboxes_but_mails_none_of_its_history(db: Any) -> None:
    from convene.models import EmailOutbox, Notification

    call_command("seed_demo", stdout=io.StringIO())
    assert Notification.objects.exists()
    assert not EmailOutbox.objects.filter(sent_at=None, notification__isnull=False).exists()


@pytest.mark.django_db
def test_seeded_accounts_have_one_verified_primary_address() -> None:
    from allauth.account.models import EmailAddress

    from convene.models import User

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    seeded = User.objects.filter(memberships__convening__slug="global-ai-safety-brake")
    assert seeded.count() == 21
    for user in seeded:
        addresses = list(EmailAddress.objects.filter(user=user))
        assert [(a.email, a.verified, a.primary) for a in addresses] == [(user.email, True, True)]
