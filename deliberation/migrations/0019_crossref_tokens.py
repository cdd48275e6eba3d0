"""Clause references stored by identity (``deliberation.text.crossrefs``): ``§n`` in the texts
people still edit and vote on (clauses, amendments with their stored diffs, alternatives)
becomes the token of the clause numbered n now, framework by framework.

Clause versions are left as written: they are immutable (a database trigger refuses UPDATE)
and each one's hash, also copied into the audit chain, covers its text. Rewriting them would
break every such hash; their ``§n`` shows as written, the number as it was then.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from deliberation.text.crossrefs import to_stored


def tokenize_references(apps: Any, schema_editor: Any) -> None:
    Clause = apps.get_model("deliberation", "Clause")
    Amendment = apps.get_model("deliberation", "Amendment")
    Alternative = apps.get_model("deliberation", "Alternative")
    framework_ids = Clause.objects.filter(text__contains="§").values_list("framework_id")
    framework_ids = set(framework_ids) | set(
        Amendment.objects.filter(text__contains="§").values_list("clause__framework_id")
    )
    framework_ids |= set(
        Alternative.objects.filter(text__contains="§").values_list("clause__framework_id")
    )
    for (framework_id,) in sorted(framework_ids):
        numbers = dict(
            Clause.objects.filter(framework_id=framework_id).values_list("position", "pk")
        )
        for clause in Clause.objects.filter(framework_id=framework_id, text__contains="§"):
            Clause.objects.filter(pk=clause.pk).update(text=to_stored(clause.text, numbers))
        for alternative in Alternative.objects.filter(
            clause__framework_id=framework_id, text__contains="§"
        ):
            Alternative.objects.filter(pk=alternative.pk).update(
                text=to_stored(alternative.text, numbers)
            )
        for amendment in Amendment.objects.filter(clause__framework_id=framework_id):
            ops = [{**op, "text": to_stored(op["text"], numbers)} for op in amendment.diff_ops]
            text = to_stored(amendment.text, numbers)
            if text != amendment.text or ops != amendment.diff_ops:
                Amendment.objects.filter(pk=amendment.pk).update(text=text, diff_ops=ops)


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0018_thread_order")]

    operations = [migrations.RunPython(tokenize_references, migrations.RunPython.noop)]
