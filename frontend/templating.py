"""The template loader: Django's app-directories loader, compacting the comment templates.

A clause page repeats ``frontend/comments/comment.html`` for each of up to a hundred comments,
and its indentation and blank lines were a third of the page's HTML. Those templates are
compacted once, as they are loaded (the cached loader keeps the result), so a render costs
nothing more: each line loses its indentation and trailing spaces, blank lines go. What the
browser shows is the same, since whitespace between elements collapses to one space and a
line break still is one. They hold no ``<pre>`` and no text a ``<textarea>`` shows verbatim
beyond its first line.
"""

from __future__ import annotations

import os

from django.template import Origin
from django.template.loaders.app_directories import Loader as AppDirectoriesLoader

COMPACTED = "/templates/frontend/comments/"


def compact(source: str) -> str:
    """Every line stripped of its surrounding spaces, and no blank lines."""
    return "\n".join(stripped for line in source.splitlines() if (stripped := line.strip()))


class Loader(AppDirectoriesLoader):
    def get_contents(self, origin: Origin) -> str:
        source = super().get_contents(origin)
        if COMPACTED in str(origin.name).replace(os.sep, "/"):
            return compact(source)
        return source
