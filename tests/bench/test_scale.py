"""The benchmark's scale data set is data a user could have made: every denormalized figure
agrees with the rows, the audit chain verifies, and the check says so when it is not."""

from __future__ import annotations

import pytest

from bench import scale
from bench.common import Broken
from deliberation.discussion import services as discussion
from deliberation.models import Comment, Reaction
from tests.conftest import World
from tests.deliberation.conftest import make_drafting

TINY = scale.Scale(clauses=5, members=15, comments=90, busy=60, longest=12, long_threads=2)


@pytest.fixture
def place(world: World) -> scale.Place:
    drafting = make_drafting(world)
    discussion.comment_post(actor=world.policymaker, clause=drafting.scope, body="First.")
    return scale.busiest(drafting.framework.slug)


def test_the_grown_data_set_has_the_scale_asked_and_checks(place: scale.Place) -> None:
    built = scale.grow(place, TINY)
    assert built["clauses"] == TINY.clauses
    assert built["members"] >= TINY.members - 5  # those with a stakeholder group
    assert Comment.objects.filter(clause_id=place.busy_clause).count() == 1 + TINY.busy
    longest = Comment.objects.filter(clause_id=place.busy_clause, parent=None).order_by(
        "-reply_count"
    )[0]
    assert longest.reply_count == TINY.longest - 1
    assert Comment.objects.filter(root=longest, depth=scale.DEPTH).exists()
    assert Reaction.objects.exists()
    assert scale.check()["comments"] == Comment.objects.count()


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda root: Comment.objects.filter(pk=root.pk).update(reply_count=root.reply_count + 1),
        lambda root: Comment.objects.filter(pk=root.pk).update(agree_count=99),
        lambda root: Comment.objects.filter(parent=root).update(depth=3),
    ],
    ids=["reply count", "reaction count", "depth"],
)
def test_the_check_finds_a_figure_that_does_not_add_up(place: scale.Place, corrupt: object) -> None:
    scale.grow(place, TINY)
    root = Comment.objects.filter(clause_id=place.busy_clause, parent=None).order_by(
        "-reply_count"
    )[0]
    corrupt(root)  # type: ignore[operator]
    with pytest.raises(Broken):
        scale.check()
