# Email verification became mandatory (issue 8, point 5).

from django.db import migrations


def verify_invited_addresses(apps, schema_editor):
    """An account that accepted an invitation mailed to its address has proved that address, as
    invitation_accept now records (services.email_address_verify). Record it for the accounts
    that did so before, so mandatory verification doesn't hold up their next sign-in."""
    Invitation = apps.get_model("convene", "Invitation")
    EmailAddress = apps.get_model("account", "EmailAddress")
    accepted = Invitation.objects.filter(accepted_by__isnull=False).select_related("accepted_by")
    for invitation in accepted.iterator():
        user = invitation.accepted_by
        email = user.email.lower()
        if invitation.email.lower() != email:
            continue
        # allauth allows one verified owner per address, and one primary address per account.
        others = EmailAddress.objects.filter(email__iexact=email, verified=True).exclude(user=user)
        if others.exists():
            continue
        address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
        if address is None:
            address = EmailAddress(user=user, email=email)
        address.verified = True
        address.primary = address.primary or not (
            EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).exists()
        )
        address.save()


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0009_emailaddress_unique_primary_email"),
        ("convene", "0007_invitation_one_open_per_address"),
    ]

    operations = [
        migrations.RunPython(verify_invited_addresses, migrations.RunPython.noop),
    ]
