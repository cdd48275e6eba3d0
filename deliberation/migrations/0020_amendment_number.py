"""Amendments are numbered within their clause (1, 2, 3 …); existing ones in creation order."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def number_amendments(apps: Any, schema_editor: Any) -> None:
    Amendment = apps.get_model("deliberation", "Amendment")
    counts: dict[int, int] = {}
    for amendment in Amendment.objects.order_by("clause_id", "created_at", "id").only(
        "id", "clause_id"
    ):
        counts[amendment.clause_id] = counts.get(amendment.clause_id, 0) + 1
        Amendment.objects.filter(pk=amendment.pk).update(number=counts[amendment.clause_id])


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0019_crossref_tokens")]

    operations = [
        migrations.AddField(
            model_name="amendment",
            name="number",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.RunPython(number_amendments, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="amendment",
            name="number",
            field=models.PositiveIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="amendment",
            constraint=models.UniqueConstraint(
                fields=("clause", "number"), name="deliberation_amendment_unique_number"
            ),
        ),
    ]
