"""The quoted passages of a clause's current text, to mark them: one row per distinct quote.

Apart from the thread selectors because it reads by its own index
(``deliberation_comment_quotes``) with a query of its own, and pages that show the clause text
without its threads (the clause article's htmx partial) need only this.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Min

from deliberation.models import Clause, Comment

# A loose index scan of deliberation_comment_quotes: each step jumps to the next (paragraph,
# quote) after the last, so the rows read are the distinct quotes, not the comments.
_DISTINCT_QUOTES = """
WITH RECURSIVE quotes(paragraph, quote, first) AS (
    (SELECT anchor_paragraph, anchor_quote, id FROM deliberation_comment
     WHERE clause_id = %(clause)s AND version_id = %(version)s
       AND status = 'visible' AND anchor_paragraph IS NOT NULL
     ORDER BY anchor_paragraph, anchor_quote, id LIMIT 1)
    UNION ALL
    SELECT next.* FROM quotes, LATERAL (
        SELECT anchor_paragraph, anchor_quote, id FROM deliberation_comment
        WHERE clause_id = %(clause)s AND version_id = %(version)s
          AND status = 'visible' AND anchor_paragraph IS NOT NULL
          AND (anchor_paragraph, anchor_quote) > (quotes.paragraph, quotes.quote)
        ORDER BY anchor_paragraph, anchor_quote, id LIMIT 1
    ) AS next
)
SELECT paragraph, quote, first FROM quotes
"""


def anchors_for(clause: Clause) -> list[dict[str, Any]]:
    """One {paragraph, quote, comment} per distinct quote on the clause's current version, for
    marking, in order of ``comment``: the first visible comment quoting it. Quotes of older
    versions do not match today's text. One query reading one index row per quote, however
    many comments share it (PostgreSQL; elsewhere a GROUP BY)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _DISTINCT_QUOTES, {"clause": clause.pk, "version": clause.current_version_id}
            )
            rows = cursor.fetchall()
    else:
        rows = list(
            Comment.objects.filter(
                clause=clause,
                version_id=clause.current_version_id,
                status=Comment.Status.VISIBLE,
                anchor_paragraph__isnull=False,
            )
            .values("anchor_paragraph", "anchor_quote")
            .annotate(first=Min("id"))
            .values_list("anchor_paragraph", "anchor_quote", "first")
        )
    rows.sort(key=lambda row: row[2])
    return [{"paragraph": p, "quote": q, "comment": first} for p, q, first in rows]
