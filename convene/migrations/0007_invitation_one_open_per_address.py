# One open invitation per convening and address (issue 8, point 3).

from django.db import migrations, models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


def retire_duplicates(apps, schema_editor):
    """Before the constraint can exist, keep one open invitation of each convening and address,
    the one usable longest, and retire the others as invitation_revoke would (their tokens stop
    working; one past its date reads as expired, see Invitation.status_at)."""
    Invitation = apps.get_model("convene", "Invitation")
    now = timezone.now()
    open_invitations = Invitation.objects.filter(accepted_at=None, revoked_at=None).order_by(
        "convening_id", "-expires_at", "-id"
    )
    seen = set()
    duplicates = []
    for pk, convening_id, email in open_invitations.values_list("pk", "convening_id", "email"):
        key = (convening_id, email.lower())
        if key in seen:
            duplicates.append(pk)
        seen.add(key)
    Invitation.objects.filter(pk__in=duplicates).update(revoked_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("convene", "0006_api_token"),
    ]

    operations = [
        migrations.RunPython(retire_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                models.F("convening"),
                Lower("email"),
                condition=Q(("accepted_at__isnull", True), ("revoked_at__isnull", True)),
                name="convene_invitation_one_open_per_address",
            ),
        ),
    ]
