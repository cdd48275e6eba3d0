"""Record who accepted the amendment (or chose the alternative) a version came from; its author
stays the member who wrote the text."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def restore_sqlite_trigger(apps, schema_editor):
    # SQLite may rebuild the table to add a column, which drops its triggers: put the
    # immutability trigger of migration 0002 back.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS deliberation_clauseversion_immutable")
        schema_editor.execute(
            "CREATE TRIGGER deliberation_clauseversion_immutable "
            "BEFORE UPDATE ON deliberation_clauseversion "
            "BEGIN SELECT RAISE(ABORT, 'clause versions are immutable'); END"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0003_comments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="clauseversion",
            name="accepted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
