"""Atom feeds of publications and new editions: one for the whole site, one per convening.

An entry is an edition: its title, the reader's page of that edition, when it was published, the
round that adopted it and its content hash. The author is the convening, never a person. A
private convening's feed exists once it has published something (its framework is then
public); before that it is a 404, like its pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from convene.models import Convening
from deliberation.models import Edition
from deliberation.publishing import selectors

# Entries per feed: the newest editions. Readers poll; history lives in the reader's pages.
FEED_SIZE = 50


class PublishedFeed(Feed):  # type: ignore[type-arg]
    """Every edition of every published framework, newest first."""

    feed_type = Atom1Feed
    title = "Convene: published frameworks"
    subtitle = "Each new edition of a framework published on Convene, with how it was adopted."

    def link(self) -> str:
        return reverse("home")

    def feed_url(self) -> str:
        return reverse("feed_published")

    def feed_guid(self) -> str:
        return self.feed_url()

    def items(self) -> list[Edition]:
        return list(selectors.edition_feed()[:FEED_SIZE])

    def item_title(self, item: Edition) -> str:
        return f"{item.published_title} — edition {item.number}"  # type: ignore[attr-defined]

    def item_link(self, item: Edition) -> str:
        return reverse(
            "reader_edition", kwargs={"slug": item.framework.slug, "number": item.number}
        )

    def item_pubdate(self, item: Edition) -> Any:
        return item.published_at

    def item_updateddate(self, item: Edition) -> Any:
        return item.published_at

    def item_author_name(self, item: Edition) -> str:
        return item.framework.convening.title

    def item_description(self, item: Edition) -> str:
        adopted = getattr(item, "adopted_in_title", None)
        parts = [
            f"Edition {item.number} of {item.published_title}, published by "  # type: ignore[attr-defined]
            f"{item.framework.convening.title}."
        ]
        if adopted:
            parts.append(f"Adopted in {adopted}.")
        parts.append(f"Content hash (SHA-256): {item.content_hash}.")
        return " ".join(parts)


class ConveningFeed(PublishedFeed):
    """The editions of one convening's frameworks."""

    def get_object(self, request: HttpRequest, slug: str) -> Convening:  # type: ignore[override]
        convening = Convening.objects.filter(slug=slug).first()
        if convening is None or (
            convening.visibility != Convening.Visibility.PUBLIC
            and not selectors.edition_feed(convening=convening).exists()
        ):
            raise Http404("No such convening.")
        return convening

    def title(self, obj: Convening) -> str:  # type: ignore[override]
        return f"{obj.title}: published frameworks"

    def link(self, obj: Convening) -> str:  # type: ignore[override]
        return reverse("feed_convening", kwargs={"slug": obj.slug})

    def feed_url(self, obj: Convening) -> str:  # type: ignore[override]
        return reverse("feed_convening", kwargs={"slug": obj.slug})

    def feed_guid(self, obj: Convening) -> str:  # type: ignore[override]
        return self.feed_url(obj)

    def items(self, obj: Convening) -> list[Edition]:  # type: ignore[override]
        return list(selectors.edition_feed(convening=obj)[:FEED_SIZE])
