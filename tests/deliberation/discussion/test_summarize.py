"""Thread summaries: which comments are common ground or divide the groups, and key points."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from deliberation.discussion.summarize import (
    Point,
    ThreadComment,
    ThreadSummary,
    as_dict,
    excerpt,
    summarize,
)

GROUPS = ("policymaker", "industry", "civil_society")
Tally = tuple[int, int, int]

COMPUTE = [
    "The compute threshold should count every FLOP of the final training run.",
    "A training run above the compute threshold must be reported before it starts.",
    "FLOP accounting for a training run needs a shared method.",
    "Is a compute threshold of 10^26 FLOP too high for the largest training run?",
    "Fine-tuning compute should add to the training run's FLOP total.",
    "Report the FLOP of each training run against the threshold.",
]
INSPECTORS = [
    "Independent inspectors need audit access to the data centre.",
    "Audit access for inspectors must include the training logs.",
    "Inspectors must be independent of the developer they audit.",
    "An audit without access to model weights is no audit: inspectors need both.",
    "Independent inspectors should publish each audit report.",
    "Who accredits the independent inspectors and their audit access?",
]


def comment(
    id: int, text: str = "", group: str = "", /, **reactions: Tally | Mapping[str, int]
) -> ThreadComment:
    """A comment with reactions given per group as (agree, disagree, pass) or as a mapping."""
    votes = {
        g: r if isinstance(r, Mapping) else dict(zip(("agree", "disagree", "pass"), r, strict=True))
        for g, r in reactions.items()
    }
    return ThreadComment(id=id, text=text, group=group, reactions=votes)


def ids(points: tuple[Point, ...]) -> list[int]:
    return [i for p in points for i in p.comments]


def two_topics(first_id: int = 1) -> list[ThreadComment]:
    return [comment(first_id + n, text) for n, text in enumerate(COMPUTE + INSPECTORS)]


# Common ground and divides


def test_comment_every_group_agrees_with_is_the_only_common_ground() -> None:
    a = comment(
        1,
        "Publish the evaluations.",
        "industry",
        policymaker=(3, 1, 0),
        industry=(2, 0, 1),
        civil_society=(5, 2, 0),
    )
    b = comment(
        2, "Exempt open weights.", "civil_society", policymaker=(4, 0, 0), industry=(0, 3, 1)
    )
    quiet = comment(3, "No one reacted to this.", "policymaker")
    summary = summarize([b, quiet, a])
    assert summary.common_ground == (Point("Publish the evaluations.", (1,)),)
    assert summary.divides == (Point("Exempt open weights.", (2,)),)


def test_comment_one_group_agrees_with_is_not_common_ground() -> None:
    summary = summarize([comment(1, "Only we read it.", policymaker=(9, 0, 0))])
    assert summary.common_ground == ()
    assert summary.divides == ()


def test_reactions_without_a_group_do_not_make_common_ground() -> None:
    summary = summarize([comment(1, policymaker=(3, 0, 0), **{"": (5, 0, 0)})])
    assert summary.common_ground == ()


def test_a_group_whose_counts_are_all_zero_has_not_reacted() -> None:
    summary = summarize(
        [comment(1, policymaker=(3, 0, 0), industry=(2, 0, 0), civil_society=(0, 0, 0))]
    )
    assert ids(summary.common_ground) == [1]


def test_a_missing_vote_kind_counts_as_zero() -> None:
    summary = summarize([comment(1, policymaker={"agree": 2}, industry={"disagree": 1})])
    assert ids(summary.divides) == [1]


def test_common_ground_needs_a_majority_in_every_reacting_group() -> None:
    summary = summarize(
        [comment(1, policymaker=(5, 0, 0), industry=(4, 0, 0), civil_society=(1, 1, 1))]
    )
    assert summary.common_ground == ()
    assert summary.divides == ()


def test_a_tie_with_agree_is_not_a_majority() -> None:
    """2 * agree == total in industry: common ground would need it to be greater."""
    for industry in [(2, 2, 0), (1, 0, 1), (2, 1, 1)]:
        summary = summarize([comment(1, policymaker=(3, 0, 0), industry=industry)])
        assert summary.common_ground == (), industry
        assert summary.divides == (), industry


def test_one_more_agree_than_the_rest_is_a_majority() -> None:
    summary = summarize([comment(1, policymaker=(3, 0, 0), industry=(2, 0, 1))])
    assert ids(summary.common_ground) == [1]


def test_a_tie_with_disagree_does_not_divide() -> None:
    for industry in [(0, 2, 2), (1, 1, 0), (0, 1, 1)]:
        summary = summarize([comment(1, policymaker=(3, 0, 0), industry=industry)])
        assert summary.divides == (), industry


def test_one_more_disagree_than_the_rest_divides() -> None:
    summary = summarize([comment(1, policymaker=(3, 0, 0), industry=(1, 2, 0))])
    assert ids(summary.divides) == [1]


def test_common_ground_is_ordered_by_total_agrees_then_id() -> None:
    thread = [
        comment(1, policymaker=(2, 0, 0), industry=(2, 0, 0)),
        comment(2, policymaker=(5, 0, 0), industry=(1, 0, 0)),
        comment(3, policymaker=(3, 1, 0), industry=(3, 0, 0)),
        comment(4, industry=(1, 0, 0), civil_society=(1, 0, 0)),
    ]
    assert ids(summarize(thread).common_ground) == [2, 3, 1, 4]


def test_divides_are_ordered_by_total_reactions_then_id() -> None:
    thread = [
        comment(1, policymaker=(1, 0, 0), industry=(0, 1, 0)),
        comment(2, policymaker=(6, 0, 1), industry=(0, 3, 0)),
        comment(3, policymaker=(1, 0, 0), industry=(0, 1, 0)),
        comment(4, policymaker=(0, 3, 0), civil_society=(4, 0, 0)),
    ]
    assert ids(summarize(thread).divides) == [2, 4, 1, 3]


def test_at_most_max_listed_are_listed() -> None:
    agreed = [comment(i, policymaker=(i, 0, 0), industry=(1, 0, 0)) for i in range(1, 9)]
    summary = summarize(agreed, max_listed=3)
    assert ids(summary.common_ground) == [8, 7, 6]
    assert summarize(agreed, max_listed=0).common_ground == ()


def test_listed_comment_is_quoted_by_its_excerpt() -> None:
    long = "Inspectors need access. " * 20
    summary = summarize([comment(1, long, policymaker=(1, 0, 0), industry=(1, 0, 0))])
    assert summary.common_ground == (Point(excerpt(long), (1,)),)


# By group


def test_by_group_adds_reactions_and_comments_per_group_in_sorted_order() -> None:
    thread = [
        comment(1, "", "policymaker", industry=(1, 2, 3), civil_society=(4, 0, 0)),
        comment(2, "", "policymaker", industry=(10, 0, 1)),
        comment(3, "", "", **{"": (7, 7, 7)}),
        comment(4, "", "civil_society", policymaker=(0, 0, 0)),
    ]
    by_group = summarize(thread).by_group
    assert by_group == {
        "civil_society": {"agree": 4, "disagree": 0, "pass": 0, "comments": 1},
        "industry": {"agree": 11, "disagree": 2, "pass": 4, "comments": 0},
        "policymaker": {"agree": 0, "disagree": 0, "pass": 0, "comments": 2},
    }
    assert list(by_group) == sorted(by_group)


# Key points


def test_two_topics_give_two_points_that_separate_them() -> None:
    thread = two_topics()
    points = summarize(thread).key_points
    assert len(points) == 2
    assert {frozenset(p.comments) for p in points} == {
        frozenset(range(1, 7)),
        frozenset(range(7, 13)),
    }
    assert sorted(ids(points)) == list(range(1, 13))


def test_a_point_quotes_its_representative_first_then_the_rest_by_id() -> None:
    texts = {c.id: c.text for c in two_topics()}
    for point in summarize(two_topics()).key_points:
        assert point.text == excerpt(texts[point.comments[0]])
        assert list(point.comments[1:]) == sorted(point.comments[1:])


def test_larger_cluster_comes_first() -> None:
    """The inspectors' topic has the higher ids but more comments."""
    thread = [comment(i, t) for i, t in enumerate(COMPUTE[:5] + INSPECTORS + INSPECTORS[:1], 1)]
    points = summarize(thread).key_points
    assert [len(p.comments) for p in points] == [7, 5]
    assert set(points[0].comments) == set(range(6, 13))


def test_representative_is_the_comment_nearest_the_centroid() -> None:
    texts = [
        "Inspectors should audit quarterly.",
        "Audit access must cover the weights.",
        "Inspectors need audit access to the weights.",
    ]  # three comments make one cluster; the last shares words with both others
    vectors = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, ngram_range=(1, 2)
    ).fit_transform(texts)
    centroid = np.asarray(vectors.mean(axis=0)).ravel()
    cosine = (vectors @ centroid) / np.linalg.norm(centroid)
    nearest = int(np.argmax(cosine)) + 1
    assert nearest == 3
    (point,) = summarize([comment(i, t) for i, t in enumerate(texts, 1)]).key_points
    assert point.comments[0] == nearest
    assert point.text == texts[nearest - 1]


def test_duplicate_texts_tie_and_the_lower_id_represents_them() -> None:
    thread = [
        comment(9, "Audit access for inspectors."),
        comment(4, "Audit access for inspectors."),
        comment(6, "Inspectors want audit access soon."),
    ]
    assert summarize(thread).key_points == (Point("Audit access for inspectors.", (4, 6, 9)),)


def test_identical_comments_make_one_point() -> None:
    thread = [comment(i, "Lower the compute threshold.") for i in (5, 3, 8, 1, 2, 7, 4, 6)]
    assert summarize(thread).key_points == (
        Point("Lower the compute threshold.", (1, 2, 3, 4, 5, 6, 7, 8)),
    )


def test_max_points_bounds_the_points() -> None:
    points = summarize(two_topics(), max_points=1).key_points
    assert len(points) == 1
    assert sorted(points[0].comments) == list(range(1, 13))
    assert summarize(two_topics(), max_points=0).key_points == ()


def test_comments_without_a_content_word_are_in_no_point() -> None:
    thread = [*two_topics(), comment(20, ""), comment(21, "We are not, and this is it.")]
    assert sorted(ids(summarize(thread).key_points)) == list(range(1, 13))


# Edge cases


def test_empty_thread() -> None:
    assert summarize([]) == ThreadSummary(0, (), {}, (), ())


def test_one_comment_is_one_point() -> None:
    summary = summarize([comment(7, "Lower the compute threshold.", "industry")])
    assert summary.comment_count == 1
    assert summary.key_points == (Point("Lower the compute threshold.", (7,)),)


def test_only_stop_words_gives_one_point_per_comment_longest_first() -> None:
    thread = [
        comment(1, "We are not."),
        comment(2, "This is it, and we are all of it."),
        comment(3, "   "),
        comment(4, "So it is."),
        comment(5, ""),
        comment(6, "Not so."),
        comment(7, "It is so."),
    ]
    points = summarize(thread, max_points=4).key_points
    assert points == (
        Point("This is it, and we are all of it.", (2,)),
        Point("We are not.", (1,)),
        Point("So it is.", (4,)),
        Point("It is so.", (7,)),
    )


def test_only_blank_comments_give_no_points() -> None:
    summary = summarize([comment(1, ""), comment(2, " \n ")])
    assert summary.comment_count == 2
    assert summary.key_points == ()


# Excerpts


def test_short_text_is_its_own_excerpt_with_whitespace_collapsed() -> None:
    assert excerpt("  Lower\n\nthe   threshold. ") == "Lower the threshold."
    assert excerpt("x" * 240) == "x" * 240


def test_long_text_is_cut_at_a_word_boundary() -> None:
    text = " ".join(f"word{n}" for n in range(100))
    cut = excerpt(text)
    assert len(cut) <= 240
    assert cut.endswith("…")
    assert text.startswith(cut[:-1])
    assert text[len(cut) - 1] == " "


def test_a_cut_just_before_a_space_keeps_the_last_word() -> None:
    assert excerpt("a" * 239 + " " + "b" * 10) == "a" * 239 + "…"


def test_one_long_word_is_cut_inside_it() -> None:
    assert excerpt("x" * 300) == "x" * 239 + "…"


# Determinism and JSON


def mixed_thread() -> list[ThreadComment]:
    thread = two_topics()
    rng = random.Random(7)
    return [
        comment(
            c.id,
            c.text,
            rng.choice(GROUPS),
            **{g: (rng.randint(1, 6), rng.randint(0, 4), rng.randint(0, 1)) for g in GROUPS},
        )
        for c in thread
    ]


def test_shuffled_thread_gives_the_identical_summary() -> None:
    thread = mixed_thread()
    expected = summarize(thread)
    assert expected.common_ground and expected.divides
    for seed in range(5):
        shuffled = thread[:]
        random.Random(seed).shuffle(shuffled)
        assert summarize(shuffled) == expected
        assert as_dict(summarize(shuffled)) == as_dict(expected)


def test_as_dict_is_json() -> None:
    summary = summarize(mixed_thread())
    data = json.loads(json.dumps(as_dict(summary)))
    assert set(data) == {"comment_count", "key_points", "by_group", "common_ground", "divides"}
    assert data["comment_count"] == 12
    assert data["key_points"] == [
        {"text": p.text, "comments": list(p.comments)} for p in summary.key_points
    ]
    assert data["by_group"] == summary.by_group
    assert [d["comments"] for d in data["divides"]] == [list(p.comments) for p in summary.divides]


# Properties

VOTE_COUNTS = st.fixed_dictionaries(
    {"agree": st.integers(0, 6), "disagree": st.integers(0, 6), "pass": st.integers(0, 3)}
)
REACTIONS = st.dictionaries(st.sampled_from([*GROUPS, ""]), VOTE_COUNTS, max_size=4)
THREADS = st.lists(
    st.tuples(st.integers(1, 10_000), REACTIONS), max_size=25, unique_by=lambda t: t[0]
).map(lambda rows: [ThreadComment(i, "", "", r) for i, r in rows])


def majorities(c: ThreadComment) -> list[tuple[bool, bool]]:
    """(majority agrees, majority disagrees) of each group that reacted, independently derived."""
    reacted = [v for g, v in c.reactions.items() if g and sum(v.values()) > 0]
    return [
        (v["agree"] > sum(v.values()) / 2, v["disagree"] > sum(v.values()) / 2) for v in reacted
    ]


@given(thread=THREADS, max_listed=st.integers(0, 6))
def test_common_ground_and_divides_follow_the_rules(
    thread: list[ThreadComment], max_listed: int
) -> None:
    summary = summarize(thread, max_listed=max_listed)
    agreed, divided = ids(summary.common_ground), ids(summary.divides)
    assert not set(agreed) & set(divided)
    assert set(agreed) | set(divided) <= {c.id for c in thread}
    assert len(agreed) <= max_listed and len(divided) <= max_listed
    assert all(len(p.comments) == 1 for p in summary.common_ground + summary.divides)
    by_id = {c.id: c for c in thread}
    all_agreed = [
        c.id for c in thread if len(majorities(c)) >= 2 and all(a for a, _ in majorities(c))
    ]
    all_divided = [
        c.id
        for c in thread
        if any(a for a, _ in majorities(c)) and any(d for _, d in majorities(c))
    ]
    assert set(agreed) <= set(all_agreed) and len(agreed) == min(max_listed, len(all_agreed))
    assert set(divided) <= set(all_divided) and len(divided) == min(max_listed, len(all_divided))

    def agrees(i: int) -> int:
        return sum(v["agree"] for g, v in by_id[i].reactions.items() if g)

    assert [-agrees(i) for i in agreed] == sorted(-agrees(i) for i in agreed)


WORDS = ["compute", "threshold", "audit", "access", "inspectors", "the", "and", "of", "we"]
TEXTS = st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join)


@settings(max_examples=40, deadline=None)  # deadline off: the first example imports sklearn
@given(texts=st.lists(TEXTS, max_size=15), max_points=st.integers(1, 4))
def test_every_worded_comment_is_in_exactly_one_key_point(
    texts: list[str], max_points: int
) -> None:
    thread = [comment(i, t) for i, t in enumerate(texts, 1)]
    points = summarize(thread, max_points=max_points).key_points
    worded = [c.id for c in thread if set(c.text.split()) - ENGLISH_STOP_WORDS]
    if worded:
        assert sorted(ids(points)) == worded
    else:
        said = sorted((c for c in thread if c.text.strip()), key=lambda c: (-len(c.text), c.id))
        assert ids(points) == [c.id for c in said[:max_points]]
    assert len(points) <= max_points
    for p in points:
        assert list(p.comments[1:]) == sorted(p.comments[1:])
        assert len(p.text) <= 240
    order = [(-len(p.comments), p.comments[0]) for p in points]
    assert order == sorted(order)


def test_five_thousand_comments_are_summarized() -> None:
    rng = random.Random(0)
    vocabulary = [
        *["compute", "threshold", "flop", "training", "run", "weights", "release", "export"],
        *["inspectors", "audit", "access", "evaluation", "lab", "incident", "report", "risk"],
    ]
    thread = [
        comment(
            i,
            " ".join(rng.choices(vocabulary, k=rng.randint(3, 30))),
            rng.choice(GROUPS),
            **{g: (rng.randint(0, 5), rng.randint(0, 5), rng.randint(0, 2)) for g in GROUPS},
        )
        for i in range(1, 5001)
    ]
    summary = summarize(thread)
    assert summary.comment_count == 5000
    assert 1 <= len(summary.key_points) <= 5
    assert sorted(ids(summary.key_points)) == list(range(1, 5001))
    assert len(summary.common_ground) == 5 and len(summary.divides) == 5
    assert not set(ids(summary.common_ground)) & set(ids(summary.divides))
    assert sum(row["comments"] for row in summary.by_group.values()) == 5000
    assert all(len(p.text) <= 240 for p in summary.key_points)
