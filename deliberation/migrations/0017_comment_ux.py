"""Quotes stored before selections snapped to whole words ("arties verify compliance throu")
are grown to the whole words of the version they quote, as new quotes are stored."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from deliberation.discussion.anchors import MAX_QUOTE, paragraphs, snap_quote


def snap_stored_quotes(apps: Any, schema_editor: Any) -> None:
    Comment = apps.get_model("deliberation", "Comment")
    anchored = (
        Comment.objects.filter(anchor_paragraph__isnull=False)
        .exclude(anchor_quote="")
        .select_related("version")
        .only("pk", "anchor_paragraph", "anchor_quote", "version__text")
    )
    for comment in anchored.iterator(chunk_size=500):
        parts = paragraphs(comment.version.text)
        if comment.anchor_paragraph >= len(parts):
            continue
        snapped = snap_quote(parts[comment.anchor_paragraph], comment.anchor_quote)
        if snapped and snapped != comment.anchor_quote and len(snapped) <= MAX_QUOTE:
            Comment.objects.filter(pk=comment.pk).update(anchor_quote=snapped)


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0014_framework_phases")]

    operations = [migrations.RunPython(snap_stored_quotes, migrations.RunPython.noop)]
