"""Pages and API answers are gzip-compressed for clients that accept it (Django's GZipMiddleware,
with its random-bytes mitigation against BREACH); a compressed edition still revalidates."""

from __future__ import annotations

import gzip

import pytest
from django.test import Client

from deliberation.models import Edition
from tests.frontend.conftest import page_client

pytestmark = pytest.mark.django_db

GZIP = {"accept_encoding": "gzip, deflate, br"}


def test_a_page_is_compressed_for_a_client_that_accepts_gzip(published: Edition) -> None:
    url = f"/frameworks/{published.framework.slug}/"
    plain = Client().get(url)
    packed = Client().get(url, headers=GZIP)
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    assert not plain.has_header("Content-Encoding")


def test_the_api_is_compressed_too(published: Edition) -> None:
    response = Client().get(f"/api/v1/frameworks/{published.framework.slug}/", headers=GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content).startswith(b"{")


def test_two_compressions_of_one_page_differ_in_length_against_breach(published: Edition) -> None:
    url = f"/frameworks/{published.framework.slug}/"
    lengths = {len(Client().get(url, headers=GZIP).content) for _ in range(8)}
    assert len(lengths) > 1


def test_a_compressed_edition_revalidates_with_its_weak_etag(published: Edition) -> None:
    url = f"/frameworks/{published.framework.slug}/"
    client = page_client(None)
    etag = client.get(url, headers=GZIP)["ETag"]
    assert etag.startswith('W/"')
    again = client.get(url, headers={**GZIP, "if_none_match": etag})
    assert again.status_code == 304
