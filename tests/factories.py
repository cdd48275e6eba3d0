"""factory_boy factories. They build rows directly; tests of behaviour go through services."""

from __future__ import annotations

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from convene.audit import chain_open, convening_chain_key
from convene.models import AuditChain, Convening, Invitation, Membership, Organization, Role, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    handle = factory.Sequence(lambda n: f"person-{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        """Personas have proved their address, as an account must before it signs in
        (ACCOUNT_EMAIL_VERIFICATION); ``UserFactory(verified_email=False)`` has not."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):  # type: ignore[no-untyped-def]
        if create:
            instance.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = Organization.Kind.GOVERNMENT
    country = "FR"


class ConveningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convening
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"convening-{n}")
    title = factory.Sequence(lambda n: f"Convening {n}")
    description = "A *convening* for tests."
    visibility = Convening.Visibility.PUBLIC
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def chain(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            key = convening_chain_key(self)
            if not AuditChain.objects.filter(key=key).exists():
                chain_open(key=key, convening=self)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    convening = factory.SubFactory(ConveningFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.PARTICIPANT
    stakeholder_group = "policymaker"
    organization = factory.SubFactory(OrganizationFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    convening = factory.SubFactory(ConveningFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.PARTICIPANT
    stakeholder_group = "industry"
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
