from __future__ import annotations

import pytest
from django.core.management import call_command

from convene.audit import audit_verify
from convene.models import AuditEvent, Convening, Invitation, Membership, Role


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_and_is_idempotent(capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo")
    convening = Convening.objects.get(slug="global-ai-safety-brake")
    members = Membership.objects.filter(convening=convening)
    groups = {g for g in members.filter(role=Role.PARTICIPANT).values_list("stakeholder_group", flat=True)}
    assert groups == {"policymaker", "industry", "civil_society"}
    assert members.filter(role=Role.PARTICIPANT).count() == 18
    assert members.filter(role=Role.OBSERVER).count() == 2
    assert members.filter(role=Role.ORGANIZER).count() == 1
    countries = set(members.exclude(organization=None).values_list("organization__country", flat=True))
    assert len(countries) >= 5
    assert Invitation.objects.filter(convening=convening, accepted_at=None).count() == 3
    events = AuditEvent.objects.count()

    call_command("seed_demo")
    assert Membership.objects.filter(convening=convening).count() == members.count()
    assert AuditEvent.objects.count() == events
    assert audit_verify(convening.audit_chain) is None
    out = capsys.readouterr().out
    assert "amara.okafor@example.org" in out and "brake-demo-2026" in out
