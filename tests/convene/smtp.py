"""A real SMTP server for worker tests (aiosmtpd, in a thread): it keeps every message it
accepts, optionally after a pause, so tests can count what a recipient received."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A local port nothing listens on (at the moment of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class KeepingHandler:
    """Accepts every message, after ``delay`` seconds, and keeps it."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.port = 0
        self.received: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.received.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.received if m["To"] == address]


@contextmanager
def smtp_server(delay: float = 0.0) -> Iterator[KeepingHandler]:
    handler = KeepingHandler(delay)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()
