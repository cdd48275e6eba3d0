"""Store each amendment's word diff against its base version, so that showing it never diffs
(issue 8), and compute it for the amendments that exist."""

from django.db import migrations, models

from deliberation.text import diff

BATCH = 200


def store_diffs(apps, schema_editor):
    Amendment = apps.get_model("deliberation", "Amendment")
    # In batches of ids, not a streaming cursor: SQLite gives no isolation between a cursor
    # still reading a table and updates to it on the same connection.
    pks = list(Amendment.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        batch = list(
            Amendment.objects.select_related("base_version").filter(
                pk__in=pks[start : start + BATCH]
            )
        )
        for amendment in batch:
            amendment.diff_ops = diff.diff(amendment.base_version.text, amendment.text)
        Amendment.objects.bulk_update(batch, ["diff_ops"])


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0004_clauseversion_accepted_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="amendment",
            name="diff_ops",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(store_diffs, migrations.RunPython.noop),
    ]
