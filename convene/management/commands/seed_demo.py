"""Load the demo: the public convening "Global AI Safety Brake" with its delegations.

Idempotent: running it again creates nothing new and prints the same sign-ins. Every write
goes through the services, so the demo's audit chain is as real as any other.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from convene import services
from convene.models import (
    Convening,
    EmailOutbox,
    Invitation,
    Membership,
    Organization,
    Role,
    StakeholderGroup,
    User,
)

DEMO_PASSWORD = "brake-demo-2026"
SLUG = "global-ai-safety-brake"
DESCRIPTION = """\
Delegations of governments, frontier AI developers and civil society negotiate one text: a
framework for a **coordinated pause** of frontier AI development if self-improving systems
outpace human oversight.

The framework must fix exact risk thresholds that trigger a pause, how compliance is verified,
who adjudicates, and the conditions for lifting it. Every clause is decided in recorded votes.
"""

Kind, Group = Organization.Kind, StakeholderGroup
ORGANIZATIONS = [
    # name, kind, country, stakeholder group
    ("Federal Ministry for Digital Affairs", Kind.GOVERNMENT, "DE", Group.POLICYMAKER),
    ("AI Security Institute", Kind.REGULATOR, "GB", Group.POLICYMAKER),
    ("Ministry of Science and ICT", Kind.GOVERNMENT, "KR", Group.POLICYMAKER),
    ("Meridian Frontier Labs", Kind.COMPANY, "US", Group.INDUSTRY),
    ("Aleph Compute", Kind.COMPANY, "FR", Group.INDUSTRY),
    ("Kestrel Systems", Kind.COMPANY, "CA", Group.INDUSTRY),
    ("Center for AI Accountability", Kind.CIVIL_SOCIETY, "US", Group.CIVIL_SOCIETY),
    ("Open Oversight Network", Kind.CIVIL_SOCIETY, "KE", Group.CIVIL_SOCIETY),
    ("Institute for Technology and Society", Kind.ACADEMIA, "IN", Group.CIVIL_SOCIETY),
]

DELEGATES = [
    # email local part, display name, organization index
    ("lena.hartmann", "Lena Hartmann", 0),
    ("jonas.weber", "Jonas Weber", 0),
    ("priya.natarajan", "Priya Natarajan", 1),
    ("oliver.grant", "Oliver Grant", 1),
    ("min-jun.park", "Min-jun Park", 2),
    ("seo-yeon.kim", "Seo-yeon Kim", 2),
    ("dana.brooks", "Dana Brooks", 3),
    ("marcus.lee", "Marcus Lee", 3),
    ("camille.durand", "Camille Durand", 4),
    ("hugo.martin", "Hugo Martin", 4),
    ("aisha.rahman", "Aisha Rahman", 5),
    ("ethan.tremblay", "Ethan Tremblay", 5),
    ("maya.goldberg", "Maya Goldberg", 6),
    ("samuel.ortiz", "Samuel Ortiz", 6),
    ("wanjiru.kamau", "Wanjiru Kamau", 7),
    ("otieno.odhiambo", "Otieno Odhiambo", 7),
    ("ananya.iyer", "Ananya Iyer", 8),
    ("rahul.mehta", "Rahul Mehta", 8),
]

OBSERVERS = [("ines.carvalho", "Inês Carvalho"), ("tomas.novak", "Tomáš Novák")]

INVITATIONS = [
    # email, role, stakeholder group, organization index
    ("fatima.diallo@example.org", Role.PARTICIPANT, Group.POLICYMAKER, 1),
    ("kenji.watanabe@example.org", Role.PARTICIPANT, Group.INDUSTRY, 5),
    ("press.office@example.org", Role.OBSERVER, "", None),
]

ORGANIZER = ("amara.okafor", "Amara Okafor")


def _email(local: str) -> str:
    return f"{local}@example.org"


def _user(local: str, name: str) -> User:
    user = User.objects.filter(email=_email(local)).first()
    if user is None:
        user = services.user_create(email=_email(local), password=DEMO_PASSWORD, display_name=name)
    # Sign-in needs a verified address (ACCOUNT_EMAIL_VERIFICATION); demo addresses get no mail.
    services.email_address_verify(user=user)
    return user


def _is_member(convening: Convening, user: User) -> bool:
    return Membership.objects.filter(convening=convening, user=user).exists()


def _organizations(organizer: User) -> list[Organization]:
    organizations = []
    for name, kind, country, _group in ORGANIZATIONS:
        existing = Organization.objects.filter(name=name, country=country).first()
        organizations.append(
            existing
            or services.organization_create(actor=organizer, name=name, kind=kind, country=country)
        )
    return organizations


def _delegations(convening: Convening, organizer: User, organizations: list[Organization]) -> None:
    for index, (local, name, org_index) in enumerate(DELEGATES):
        user = _user(local, name)
        if not _is_member(convening, user):
            services.member_add(
                actor=organizer,
                convening=convening,
                user=user,
                role=Role.PARTICIPANT,
                stakeholder_group=ORGANIZATIONS[org_index][3],
                organization=organizations[org_index],
                # The first delegate listed for each organization leads its delegation.
                head_of_delegation=index % 2 == 0,
            )


def _observers(convening: Convening, organizer: User) -> None:
    for local, name in OBSERVERS:
        user = _user(local, name)
        if not _is_member(convening, user):
            services.member_add(actor=organizer, convening=convening, user=user, role=Role.OBSERVER)


def _invitations(
    convening: Convening, organizer: User, organizations: list[Organization]
) -> list[tuple[str, str]]:
    """The demo's open invitations: (address, accept link) of those made now."""
    made = []
    for email, role, group, org_index in INVITATIONS:
        if not Invitation.objects.filter(convening=convening, email=email).exists():
            _invitation, token = services.invitation_create(
                actor=organizer,
                convening=convening,
                email=email,
                role=role,
                stakeholder_group=group,
                organization=organizations[org_index] if org_index is not None else None,
            )
            made.append((email, f"{settings.SITE_URL}/invitations/{token}/"))
    return made


class Command(BaseCommand):
    help = "Create (or keep) the demo convening and print the demo sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            invited = self._seed()
            # The demo's history leaves its notifications in the inboxes but mails nothing:
            # nobody reads example.org, and whole mails would drown the sign-ins. The open
            # invitations' links are printed below instead, to try accepting one.
            EmailOutbox.objects.filter(sent_at=None).update(
                sent_at=timezone.now(), last_error="demo data: not sent"
            )
        self._print_sign_ins(invited)

    def _seed(self) -> list[tuple[str, str]]:
        organizer = _user(*ORGANIZER)
        convening = Convening.objects.filter(slug=SLUG).first()
        if convening is None:
            convening = services.convening_create(
                actor=organizer,
                title="Global AI Safety Brake",
                description=DESCRIPTION,
                slug=SLUG,
            )
        organizations = _organizations(organizer)
        _delegations(convening, organizer, organizations)
        _observers(convening, organizer)
        invited = _invitations(convening, organizer, organizations)
        from deliberation.publishing import demo as publishing_demo
        from deliberation.text import demo
        from deliberation.voting import demo as voting_demo

        demo.seed(convening=convening, organizer=organizer)
        voting_demo.seed(convening=convening, organizer=organizer)
        publishing_demo.seed(convening=convening, organizer=organizer)
        return invited

    def _print_sign_ins(self, invited: list[tuple[str, str]]) -> None:
        self.stdout.write(self.style.SUCCESS("Demo ready: Global AI Safety Brake"))
        self.stdout.write(
            f"Sign in at http://127.0.0.1:8000/accounts/login/ with password {DEMO_PASSWORD!r}:"
        )
        rows = [
            ("organizer", _email(ORGANIZER[0])),
            ("policymaker", _email(DELEGATES[0][0])),
            ("industry", _email(DELEGATES[6][0])),
            ("civil society", _email(DELEGATES[12][0])),
            ("observer", _email(OBSERVERS[0][0])),
        ]
        for role, email in rows:
            self.stdout.write(f"  {role:<14} {email}")
        if invited:
            self.stdout.write("Open invitations (each link works once; they are not mailed):")
            for email, link in invited:
                self.stdout.write(f"  {email}  {link}")
