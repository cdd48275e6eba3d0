"""Pages and API answers served by gunicorn as production serves them, interleaved with floors.

The server is ``bin/web`` itself (gunicorn, gthread, ``CONVENE_PRODUCTION=1``, manifest static
files) with ``bench.settings``, whose URLs add the two floors: a bare ``HttpResponse`` view and a
one-``SELECT 1`` view behind the same middleware. One worker: the figures are for concurrency 1.
Each request opens its own connection and asks for gzip, as a browser would.

Queries, HTML size and peak allocation cannot be read from outside the server, so each scenario
is also requested once in this process through Django's test client with the same session
(uncompressed: ``bytes`` is the HTML a browser renders, not what travels).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import Row, check, interleave, peak_mib, row

ROOT = Path(__file__).resolve().parent.parent
BARE, SELECT_ONE = "floor: bare view", "floor: SELECT 1"


def production_environment() -> None:
    """The environment bin/web runs with in production, for this process and the server; set
    before ``django.setup()``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ["CONVENE_PRODUCTION"] = "1"
    os.environ["SECURE_SSL_REDIRECT"] = "0"  # plain HTTP on loopback; TLS is the proxy's job
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("EMAIL_URL", "consolemail://")
    os.environ.setdefault("CACHE_KEY_PREFIX", "bench")
    os.environ["LOG_LEVEL"] = "WARNING"
    # Production caches in Redis; so do the benchmarks (keys under CACHE_KEY_PREFIX).
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(log: Path) -> Iterator[tuple[str, int]]:
    """``bin/web`` on a free loopback port with one worker; stopped on exit."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "1"}
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
            [str(ROOT / "bin" / "web"), "--max-requests", "0", "--access-logfile", "/dev/null"],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if get(("127.0.0.1", port), "/healthz").status == 200:
                        break
                except OSError:
                    pass
                check(server.poll() is None, f"gunicorn exited; see {log}")
                check(time.monotonic() < deadline, f"gunicorn did not answer in 60 s; see {log}")
                time.sleep(0.25)
            yield ("127.0.0.1", port)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def get(address: tuple[str, int], path: str, headers: dict[str, str] | None = None) -> Answer:
    connection = http.client.HTTPConnection(*address, timeout=120)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        connection.close()


@dataclass
class Scenario:
    name: str
    path: str
    cookie: str = ""  # a session id; empty for a visitor
    status: int = 200
    conditional: bool = False  # send the ETag of a first answer back (If-None-Match)
    target: str | None = None
    limit: float | None = None  # the target's ceiling on the ratio to the bare floor
    headers: dict[str, str] = field(default_factory=dict)


def session_for(user: Any) -> str:
    """A signed-in session for ``user`` in the shared session store: the server accepts it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def floors() -> list[Scenario]:
    return [Scenario(BARE, "/bench/floor/bare/"), Scenario(SELECT_ONE, "/bench/floor/select-one/")]


def _request_headers(s: Scenario, address: tuple[str, int]) -> dict[str, str]:
    from django.conf import settings

    headers = {"Accept-Encoding": "gzip", **s.headers}
    if s.cookie:
        headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={s.cookie}"
    if s.conditional:
        first = get(address, s.path, headers)
        check(first.status == 200 and "etag" in first.headers, f"{s.name}: no ETag to send back")
        headers["If-None-Match"] = first.headers["etag"]
    return headers


def _in_process(s: Scenario, headers: dict[str, str]) -> dict[str, Any]:
    """Queries, HTML bytes and peak allocation of one request, in this process."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if s.cookie:
        client.cookies[settings.SESSION_COOKIE_NAME] = s.cookie
    extra = {k: v for k, v in headers.items() if k in ("If-None-Match",)}
    client.get(s.path, headers=extra)  # warm: imports, template loading, the cache
    with CaptureQueriesContext(connection) as queries:
        peak, response = peak_mib(lambda: client.get(s.path, headers=extra))
    check(
        response.status_code == s.status,
        f"{s.name}: {response.status_code} in process, expected {s.status}",
    )
    return {"queries": len(queries), "bytes": len(response.content), "peak_mib": peak}


def measure(
    address: tuple[str, int], scenarios: list[Scenario], *, rounds: int, size: str
) -> list[Row]:
    """Every scenario checked once, then timed ``rounds`` times, interleaved with the rest."""
    requests: dict[str, Callable[[], Any]] = {}
    facts: dict[str, dict[str, Any]] = {}
    for s in scenarios:
        headers = _request_headers(s, address)
        answer = get(address, s.path, headers)
        check(answer.status == s.status, f"{s.name}: {answer.status}, expected {s.status}")
        facts[s.name] = _in_process(s, headers)

        def request(s: Scenario = s, headers: dict[str, str] = headers) -> None:
            status = get(address, s.path, headers).status
            check(status == s.status, f"{s.name}: {status} during the run")

        requests[s.name] = request
    samples = interleave(requests, rounds)
    rows = []
    for s in scenarios:
        floor = None if s.name == BARE else BARE
        f = facts[s.name]
        rows.append(
            row(
                s.name,
                samples[s.name],
                size=size,
                floor=floor,
                queries=f["queries"],
                bytes_=f["bytes"],
                peak_mib=f["peak_mib"],
                target=s.target,
            )
        )
    return rows


def deepest_cursor_page(path: str) -> tuple[str, int]:
    """The last page of a cursor walk from ``path`` (in process), and how many pages it took."""
    from django.test import Client

    client = Client()
    pages, url = 1, path
    while True:
        response = client.get(url)
        check(response.status_code == 200, f"cursor walk: {response.status_code} at {url}")
        following = json.loads(response.content).get("next")
        if not following:
            return url, pages
        parts = urlsplit(following)
        url, pages = f"{parts.path}?{parts.query}", pages + 1
