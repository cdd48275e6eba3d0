"""Paging a clause's comments: by id (DRF's cursor) in the default order, and by keyset over
the stored thread figures in the other orders (``deliberation.discussion.ordering``), so a
deep page costs what the first one does in every order."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor

from convene.api.pagination import CursorPagination
from deliberation.discussion import ordering as thread_ordering


class CommentCursor(CursorPagination):
    """Keyset pagination by id: stable while new comments arrive, each comment exactly once.
    A view whose ``order`` is not the default pages threads in that order instead; its cursor
    holds the last thread's id, whose stored figures the next page starts after. Such walks
    go forward only (``previous`` is null)."""

    ordering = "id"
    keyset: thread_ordering.ThreadOrder | None = None

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        order = getattr(view, "order", thread_ordering.DEFAULT)
        if order is thread_ordering.DEFAULT:
            return super().paginate_queryset(queryset, request, view)
        self.keyset, self.request = order, request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.cursor = self.decode_cursor(request)
        position = None
        if self.cursor is not None:
            after = str(self.cursor.position or "")
            if not after.isdigit():
                raise NotFound(self.invalid_cursor_message)
            position = queryset.filter(pk=int(after)).values(*order.columns).first()
            if position is None:
                raise NotFound(self.invalid_cursor_message)
        arranged = thread_ordering.arrange(queryset, order, position=position)
        rows = list(arranged[: self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        self.last_id = rows[self.page_size - 1].pk if self.has_next else None
        return self.page

    def get_next_link(self) -> str | None:
        if self.keyset is None:
            return super().get_next_link()
        if not self.has_next:
            return None
        return self.encode_cursor(Cursor(offset=0, reverse=False, position=self.last_id))

    def get_previous_link(self) -> str | None:
        return None if self.keyset is not None else super().get_previous_link()
