"""The integrator's toolkit: the schema the server serves, a client generated from it, and a
harness that checks every exchange the generated client makes against that schema.

The generated client talks to the Django application in-process (``httpx.WSGITransport``), in
the test's transaction, so the ordinary ``db`` fixture applies and no server is started.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import httpx
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client as DjangoClient
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.util import plain_loads
from openapi_core.exceptions import OpenAPIError
from werkzeug.datastructures import Headers, ImmutableMultiDict

from convene.models import User
from tests.factories import PASSWORD

PACKAGE = "convene_client"
BASE_URL = "http://testserver"


# --- the schema and the generated package ---------------------------------------------------


@pytest.fixture(scope="module")
def served_schema() -> dict[str, Any]:
    """The schema as an integrator downloads it."""
    response = DjangoClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200, response.content[:500]
    schema: dict[str, Any] = json.loads(response.content)
    return schema


def _generate(schema: dict[str, Any], workdir: Path) -> None:
    (workdir / "schema.json").write_text(json.dumps(schema))
    # No post hooks: the generator would look for ruff on PATH and warn when it is not there.
    (workdir / "config.json").write_text(json.dumps({"post_hooks": []}))
    command = [
        *(sys.executable, "-m", "openapi_python_client", "generate"),
        *("--path", str(workdir / "schema.json"), "--config", str(workdir / "config.json")),
        *("--output-path", str(workdir / PACKAGE), "--meta", "none", "--fail-on-warning"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    output = f"{result.stdout}\n{result.stderr}".strip()
    if result.returncode or "encountered" in output:
        pytest.fail(f"openapi-python-client refused the served schema:\n{output}", pytrace=False)


@pytest.fixture(scope="module")
def generated(served_schema: dict[str, Any], tmp_path_factory: Any) -> Iterator[ModuleType]:
    """The package openapi-python-client generates from the served schema, imported from a
    directory of this test process's own (xdist workers each generate theirs)."""
    workdir = tmp_path_factory.mktemp("generated_client")
    _generate(served_schema, workdir)
    sys.path.insert(0, str(workdir))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(workdir))
        for name in [n for n in sys.modules if n.partition(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def openapi(served_schema: dict[str, Any]) -> OpenAPI:
    """openapi-core over the served schema. The document's own validity is a test of its own
    (``test_the_served_schema_is_a_valid_openapi_document``), so it is not re-checked here.
    openapi-core reads a media type it does not know as bytes; CSV is text."""
    config = Config(
        spec_validator_cls=None, extra_media_type_deserializers={"text/csv": plain_loads}
    )
    return OpenAPI.from_dict(served_schema, config=config)


# --- the transport: Django in-process, in the test's transaction ---------------------------


def in_test_transaction(app: WSGIHandler) -> Callable[..., Iterable[bytes]]:
    """``app`` answering inside the test's transaction, as Django's test client does it.

    Django closes "old" connections when a request starts and finishes; inside a test's
    transaction autocommit is off, which reads as a connection to drop. So the signal handler
    is held off for the request, and the whole answer read (finishing it) while it is.
    """

    def application(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            answer = app(environ, start_response)
            try:
                return [b"".join(answer)]
            finally:
                answer.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return application


@pytest.fixture(scope="module")
def transport() -> httpx.WSGITransport:
    return httpx.WSGITransport(app=in_test_transaction(WSGIHandler()))


# --- openapi-core's view of an httpx exchange ------------------------------------------------


class OpenAPIRequest:
    """An ``httpx.Request`` as openapi-core's request protocol reads it."""

    def __init__(self, request: httpx.Request) -> None:
        self.host_url = f"{request.url.scheme}://{request.url.netloc.decode()}"
        self.path = request.url.path
        self.method = request.method.lower()
        self.body = request.content or None
        self.content_type = request.headers.get("Content-Type", "")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(request.url.params.multi_items())),
            header=Headers(list(request.headers.multi_items())),
            cookie=ImmutableMultiDict(),
        )


class OpenAPIResponse:
    """An ``httpx.Response`` (read) as openapi-core's response protocol reads it."""

    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.content_type = response.headers.get("Content-Type", "")
        self.headers = Headers(list(response.headers.multi_items()))
        self.data = response.content


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else f"{text[:limit]}…"


def openapi_core_findings(exc: BaseException) -> list[str]:
    """What openapi-core found: the error, then each JSON Schema error and where it is."""
    found, seen = [_short(f"openapi-core: {exc}", 120)], set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        for error in getattr(cause, "schema_errors", ()):
            where = "/".join(str(p) for p in error.absolute_path) or "(body)"
            found.append(_short(f"{where}: {error.message}"))
        cause = cause.__cause__ or cause.__context__
    return found


# --- did the generated models keep everything? -----------------------------------------------


def _declares_its_keys(model: Any) -> bool:
    """Whether the model's schema lists its properties, so that any other key the server sends
    is one the schema leaves out. The generator keeps such keys in ``additional_properties``,
    typed ``dict[str, Any]``; a map (``Error.errors``, typed values) or a free-form object
    (``ClauseKind.schema``, no properties) keeps its data there, and is walked instead."""
    fields = attrs.fields_dict(type(model))
    return len(fields) > 1 and fields["additional_properties"].type in (
        "dict[str, Any]",
        dict[str, Any],
    )


def undeclared_keys(value: Any, path: str = "$") -> list[str]:
    """Every place in a parsed answer where the server sent a key the schema does not declare.
    (A model whose schema forbids other keys, ``additionalProperties: false``, has no
    ``additional_properties``: the generated parser would have failed on one.)"""
    if isinstance(value, list):
        return [f for i, item in enumerate(value) for f in undeclared_keys(item, f"{path}[{i}]")]
    if not attrs.has(type(value)):
        return []
    found = []
    for attribute in attrs.fields(type(value)):
        if attribute.name != "additional_properties":
            found += undeclared_keys(getattr(value, attribute.name), f"{path}.{attribute.name}")
    extra = getattr(value, "additional_properties", {})
    if extra and _declares_its_keys(value):
        found.append(f"{path} ({type(value).__name__}): undeclared {sorted(extra)}")
    elif extra:
        for key, item in extra.items():
            found += undeclared_keys(item, f"{path}.{key}")
    return found


def _same_instant(a: str, b: str) -> bool:
    try:
        return datetime.fromisoformat(a) == datetime.fromisoformat(b)
    except ValueError:
        return False


def differences(sent: Any, kept: Any, path: str = "$") -> list[str]:
    """Where ``kept`` (a model's ``to_dict()``) is not the JSON the server sent. A date-time
    the model re-spells (``+00:00`` for ``Z``) is the same value."""
    if isinstance(sent, dict) and isinstance(kept, dict):
        keys = sorted(set(sent) | set(kept))
        return [d for k in keys for d in differences(sent.get(k), kept.get(k), f"{path}.{k}")]
    if isinstance(sent, list) and isinstance(kept, list) and len(sent) == len(kept):
        return [
            d
            for i, pair in enumerate(zip(sent, kept, strict=True))
            for d in differences(*pair, f"{path}[{i}]")
        ]
    if sent == kept and type(sent) is type(kept):
        return []
    if isinstance(sent, str) and isinstance(kept, str) and _same_instant(sent, kept):
        return []
    if isinstance(sent, int | float) and isinstance(kept, int | float) and sent == kept:
        return []
    return [f"{path}: sent {sent!r}, the model gives back {kept!r}"]


def as_json(parsed: Any) -> Any:
    if isinstance(parsed, list):
        return [as_json(item) for item in parsed]
    return parsed.to_dict() if attrs.has(type(parsed)) else parsed


# --- the harness -----------------------------------------------------------------------------


class Operations:
    """``api.<tag>.<operation>`` of the generated package, imported on first use."""

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        module = importlib.import_module(f"{self._module}.{name}")
        return module if hasattr(module, "sync_detailed") else Operations(module.__name__)


@dataclass
class Integrator:
    """An integrator holding the generated client; every call it makes is checked.

    ``call`` fails at once when the status or the model is not the expected one (the flow can't
    go on). What shows the schema wrong without stopping the flow (keys the models don't
    declare, answers the models don't give back whole, openapi-core's findings) is gathered in
    ``defects``, which each test asserts empty at its end.
    """

    package: ModuleType
    openapi: OpenAPI
    transport: httpx.WSGITransport
    defects: list[str] = field(default_factory=list)
    checked: int = 0
    last: Any = None  # the generated Response of the latest call, headers included
    _exchanges: list[httpx.Response] = field(default_factory=list)

    @property
    def api(self) -> Any:
        return Operations(f"{PACKAGE}.api")

    @property
    def models(self) -> Any:
        return importlib.import_module(f"{PACKAGE}.models")

    def _httpx_args(self) -> dict[str, Any]:
        return {"transport": self.transport, "event_hooks": {"response": [self._record]}}

    def _record(self, response: httpx.Response) -> None:
        response.read()
        self._exchanges.append(response)

    def anonymous(self) -> Any:
        return self.package.Client(
            base_url=BASE_URL, httpx_args=self._httpx_args(), raise_on_unexpected_status=True
        )

    def with_token(self, token: str) -> Any:
        """A client holding ``token`` the way the generated ``AuthenticatedClient`` sends it
        when told nothing else: ``Authorization: Bearer <token>``. That it works is the
        schema's doing (``test_the_schema_declares_the_token_as_generators_send_it``)."""
        return self.package.AuthenticatedClient(
            base_url=BASE_URL,
            token=token,
            httpx_args=self._httpx_args(),
            raise_on_unexpected_status=True,
        )

    def sign_in(self, user: User, name: str = "integration") -> Any:
        """``POST /auth/token/`` as the user, and a client holding the token it answers."""
        body = self.models.TokenRequestRequest(email=user.email, password=PASSWORD, name=name)
        operation = self.api.auth.auth_token_create
        token = self.call(200, self.models.Token, operation, client=self.anonymous(), body=body)
        return self.with_token(token.token)

    def send(self, operation: ModuleType, *args: Any, client: Any, **kwargs: Any) -> Any:
        """What the generated operation answers, and the exchange behind it (checked)."""
        self._exchanges.clear()
        try:
            response = operation.sync_detailed(*args, client=client, **kwargs)
        except Exception as exc:
            raise AssertionError(
                f"the generated {operation.__name__} could not read the answer:"
                f" {self._describe_last()}\n{exc!r}"
            ) from exc
        assert len(self._exchanges) == 1, self._exchanges
        self.validate(self._exchanges[0])
        self.last = response
        return response

    def call(
        self, status: int, model: Any, operation: ModuleType, *args: Any, client: Any, **kwargs: Any
    ) -> Any:
        """Call ``operation`` through the generated client and check the answer: ``status``,
        parsed as ``model`` (a generated class, ``[cls]`` for a list of them, ``None`` for no
        body), no key the schema doesn't declare, and ``to_dict()`` giving back the body."""
        response = self.send(operation, *args, client=client, **kwargs)
        exchange = self._describe_last()
        assert response.status_code == status, f"expected {status}: {exchange}"
        self._check_model(response.parsed, model, exchange)
        if model is not None:
            self._defect(exchange, undeclared_keys(response.parsed))
            sent = json.loads(response.content)
            self._defect(exchange, differences(sent, as_json(response.parsed)))
        return response.parsed

    def refused(
        self, status: int, operation: ModuleType, *args: Any, client: Any, **kwargs: Any
    ) -> Any:
        """``call`` expecting a refusal: the generated ``Error``, ``{detail, errors}``."""
        error = self.call(status, self.models.Error, operation, *args, client=client, **kwargs)
        assert error.detail.strip(), error
        return error

    @staticmethod
    def _check_model(parsed: Any, model: Any, exchange: str) -> None:
        if model is None:
            assert parsed is None, exchange
        elif isinstance(model, list):
            (item,) = model
            assert isinstance(parsed, list), exchange
            assert all(isinstance(p, item) for p in parsed), f"not all {item.__name__}: {exchange}"
        else:
            assert isinstance(parsed, model), f"not a {model.__name__}: {exchange}"

    def validate(self, response: httpx.Response) -> None:
        """openapi-core's verdict on the request and on the response, against the schema."""
        self.checked += 1
        request = OpenAPIRequest(response.request)
        exchange = self._describe(response)
        for check in (
            lambda: self.openapi.validate_request(request),
            lambda: self.openapi.validate_response(request, OpenAPIResponse(response)),
        ):
            try:
                check()
            except OpenAPIError as exc:
                self._defect(exchange, openapi_core_findings(exc))

    def _defect(self, exchange: str, found: list[str]) -> None:
        if found:
            self.defects.append("\n    ".join([exchange, *found]))

    def _describe_last(self) -> str:
        return self._describe(self._exchanges[-1]) if self._exchanges else "(no exchange)"

    @staticmethod
    def _describe(response: httpx.Response) -> str:
        request, body = response.request, response.content.decode(errors="replace")
        path = request.url.raw_path.decode()
        return _short(f"{request.method} {path} -> {response.status_code} {body}", 160)

    def assert_clean(self) -> None:
        """No exchange so far showed the schema wrong (each finding told once)."""
        assert self.checked, "no exchange was checked"
        if self.defects:
            found = "\n".join(dict.fromkeys(self.defects))
            pytest.fail(f"the schema is not what the server does:\n{found}", pytrace=False)


@pytest.fixture
def integrator(
    generated: ModuleType,
    openapi: OpenAPI,
    transport: httpx.WSGITransport,
    db: Any,
) -> Integrator:
    return Integrator(package=generated, openapi=openapi, transport=transport)
