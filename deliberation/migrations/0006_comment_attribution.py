"""Each comment keeps the attribution under which it was said (issue 8: switching a convening
from group to named attribution unmasked what had been said under Chatham House)."""

from django.db import migrations, models


def keep_current_mode(apps, schema_editor):
    # The mode each comment was said under was not recorded before; the convening's mode now
    # is the best evidence, and the safe one when it is group.
    Comment = apps.get_model("deliberation", "Comment")
    Convening = apps.get_model("convene", "Convening")
    for convening in Convening.objects.filter(attribution="group").only("pk"):
        Comment.objects.filter(clause__framework__convening=convening).update(attribution="group")


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0005_amendment_diff_ops")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="attribution",
            field=models.CharField(
                choices=[("named", "Named"), ("group", "By stakeholder group (Chatham House)")],
                default="named",
                max_length=8,
            ),
        ),
        migrations.RunPython(keep_current_mode, migrations.RunPython.noop),
    ]
