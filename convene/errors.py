"""The one error type services raise. The API maps it to a JSON 4xx; pages show it in the form."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses. ``status`` is the HTTP status the interfaces answer with."""

    status = 400

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        status: int | None = None,
        errors: dict[str, list[str]] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status
        # Field path → messages; defaults to the one message under ``field``.
        self.errors = errors if errors is not None else ({field: [message]} if field else {})


class Conflict(DomainError):
    """The request is valid but the current state forbids it (e.g. a duplicate membership)."""

    status = 409


class Gone(DomainError):
    """The thing asked for existed but can no longer be used (an expired invitation)."""

    status = 410


class Refused(DomainError):
    """The caller is known but this action is not theirs to take."""

    status = 403
