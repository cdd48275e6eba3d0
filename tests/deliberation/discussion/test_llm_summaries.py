"""The optional LLM key points, against a local fake OpenAI-compatible server: claims without
a valid citation are dropped, unknown ids removed, no author is sent, and anything unusable
falls back to the extractive summary."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings

from deliberation.discussion import services as discussion
from deliberation.discussion.services.summaries import summary_refresh
from tests.deliberation.conftest import Drafting

pytestmark = pytest.mark.django_db


class FakeModel:
    """What the fake server answers, and what it was asked."""

    def __init__(self) -> None:
        self.content: str = "{}"
        self.status = 200
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []


@pytest.fixture
def fake_model() -> Iterator[tuple[FakeModel, str]]:
    model = FakeModel()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            model.requests.append(json.loads(self.rfile.read(length)))
            model.headers.append(dict(self.headers))
            body = json.dumps({"choices": [{"message": {"content": model.content}}]}).encode()
            self.send_response(model.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield model, f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()


def _thread(drafting: Drafting) -> list[Any]:
    w = drafting.world
    return [
        discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Audit compute."),
        discussion.comment_post(
            actor=w.industry, clause=drafting.scope, body="Exempt open weights."
        ),
    ]


def _settings(url: str) -> Any:
    return override_settings(
        SUMMARY_BACKEND="llm", SUMMARY_LLM_URL=url, SUMMARY_LLM_MODEL="tiny", SUMMARY_LLM_KEY="k"
    )


def test_only_cited_claims_are_kept(drafting: Drafting, fake_model: tuple[FakeModel, str]) -> None:
    model, url = fake_model
    a, b = _thread(drafting)
    model.content = "Here you go: " + json.dumps(
        {
            "key_points": [
                {"text": "Delegates want compute audited.", "comments": [a.pk, 999999]},
                {"text": "An invented claim.", "comments": [424242]},
                {"text": "A claim citing nothing.", "comments": []},
                {"text": "Open weights divide.", "comments": [b.pk, True]},
            ]
        }
    )
    with _settings(url):
        summary = summary_refresh(clause_id=drafting.scope.pk, force=True)
    assert summary is not None and summary.data["method"] == "llm"
    assert summary.data["key_points"] == [
        {"text": "Delegates want compute audited.", "comments": [a.pk]},
        {"text": "Open weights divide.", "comments": [b.pk]},
    ]
    [sent] = model.requests
    assert sent["model"] == "tiny"
    assert model.headers[0]["Authorization"] == "Bearer k"
    prompt = sent["messages"][1]["content"]
    assert f"[#{a.pk}] Audit compute." in prompt
    for person in (drafting.world.policymaker, drafting.world.industry):
        assert person.display_name not in prompt and person.email not in prompt


@pytest.mark.parametrize(
    ("status", "content"),
    [
        (500, "{}"),
        (200, "not JSON at all"),
        (200, json.dumps({"key_points": [{"text": "Uncited.", "comments": [1234567]}]})),
        (200, json.dumps({"points": "wrong shape"})),
    ],
)
def test_anything_unusable_falls_back_to_the_extractive_summary(
    drafting: Drafting, fake_model: tuple[FakeModel, str], status: int, content: str
) -> None:
    model, url = fake_model
    model.status, model.content = status, content
    comments = _thread(drafting)
    with _settings(url):
        summary = summary_refresh(clause_id=drafting.scope.pk, force=True)
    assert summary is not None and summary.data["method"] == "extractive"
    cited = {c for p in summary.data["key_points"] for c in p["comments"]}
    assert cited == {c.pk for c in comments}


def test_an_endpoint_that_does_not_answer_falls_back(drafting: Drafting) -> None:
    _thread(drafting)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with _settings(f"http://127.0.0.1:{port}/v1"):
        summary = summary_refresh(clause_id=drafting.scope.pk, force=True)
    assert summary is not None and summary.data["method"] == "extractive"
