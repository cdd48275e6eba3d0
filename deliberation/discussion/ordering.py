"""The orders a clause's threads can be read in, each a keyset over stored columns backed by an
index (``Comment.Meta.indexes``), so that page 50 of any order costs what page 1 costs.

A position in an order is a thread's values of the order's fields; the next page starts strictly
after it. Every order ends with the id, which makes positions unique.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db.models import Q, QuerySet

from deliberation.discussion.models import Comment


@dataclass(frozen=True)
class ThreadOrder:
    key: str
    label: str
    # Model fields, "-" for descending, ending with the id.
    fields: tuple[str, ...]
    organizers_only: bool = False
    # Only threads the organizers have not answered yet (an anti-join on the one-to-one).
    awaiting_disposition: bool = False

    @property
    def columns(self) -> list[str]:
        return [name.lstrip("-") for name in self.fields]


ORDERS: dict[str, ThreadOrder] = {
    order.key: order
    for order in (
        ThreadOrder("oldest", "Oldest first", ("id",)),
        ThreadOrder("newest", "Newest first", ("-id",)),
        ThreadOrder("replies", "Most replies", ("-reply_count", "-id")),
        ThreadOrder(
            "agreed", "Most agreed across groups", ("-agree_groups", "-agree_count", "-id")
        ),
        ThreadOrder("recent", "Recently discussed", ("-last_activity_at", "-id")),
        ThreadOrder(
            "undisposed",
            "No disposition yet",
            ("id",),
            organizers_only=True,
            awaiting_disposition=True,
        ),
    )
}
DEFAULT = ORDERS["oldest"]


def after(order: ThreadOrder, position: dict[str, Any]) -> Q:
    """Rows strictly after ``position`` (a row's values of ``order.columns``) in ``order``:
    ``a > x OR (a = x AND b > y) OR …``, the row comparison written out so that the index on
    the same columns serves it."""
    branches = []
    equal = Q()
    for field in order.fields:
        column = field.lstrip("-")
        step = "lt" if field.startswith("-") else "gt"
        branches.append(equal & Q(**{f"{column}__{step}": position[column]}))
        equal &= Q(**{column: position[column]})
    return reduce(operator.or_, branches)


def arrange(
    threads: QuerySet[Comment], order: ThreadOrder, *, position: dict[str, Any] | None = None
) -> QuerySet[Comment]:
    """``threads`` (top-level comments) in ``order``, starting after ``position`` if given."""
    if order.awaiting_disposition:
        threads = threads.filter(disposition__isnull=True)
    if position is not None:
        threads = threads.filter(after(order, position))
    return threads.order_by(*order.fields)


def position_of(order: ThreadOrder, comment_id: int) -> dict[str, Any] | None:
    """The position of the thread ``comment_id`` in ``order`` (None if there is no such row)."""
    return Comment.objects.filter(pk=comment_id).values(*order.columns).first()
