"""The close computes the counted root in PostgreSQL; it must be ``record.counted_root``, the
one docs/verification.md defines and every verifier recomputes."""

from __future__ import annotations

import hashlib
import secrets

import pytest
from django.db import connection

from deliberation.voting import record
from deliberation.voting.services.closing import COUNTED_ROOT_SQL
from tests.deliberation.voting.conftest import Voting

pytestmark = pytest.mark.django_db


def _in_sql(leaves: list[str]) -> str:
    with connection.cursor() as cursor:
        subquery = "(SELECT unnest(%s::text[]) AS leaf) AS counted"
        cursor.execute(COUNTED_ROOT_SQL + subquery, [leaves])
        return str(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL root is PostgreSQL's")
@pytest.mark.parametrize("count", [0, 1, 2, 500])
def test_the_sql_root_is_the_documented_one(count: int) -> None:
    leaves = [secrets.token_hex(32) for _ in range(count)]
    # Prefixes and digits against letters: the orders a collation could get wrong.
    leaves += ["ab", "abc", "a0", "0a", "f" * 64, "0" * 64] if count > 1 else []
    assert _in_sql(leaves) == record.counted_root(leaves)


def test_an_empty_round_closes_with_the_root_of_nothing(voting: Voting) -> None:
    from deliberation.voting import services

    round_ = voting.round()
    closed = services.round_close(actor=voting.world.organizer, round_=round_)
    assert closed.counted_root == hashlib.sha256(b"").hexdigest() == record.counted_root([])
