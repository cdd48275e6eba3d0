"""Word diff: the operations rebuild the newer text exactly, for any pair of texts."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.text import diff

words = st.sampled_from(
    ["pause", "the", "trigger", "shall", "lift", "§2", "≤", "é", "<b>", "&", "90"]
)
separators = st.sampled_from([" ", "  ", "\n", "\n\n", "\t", " \n "])
prose = st.lists(st.tuples(words, separators), max_size=30).map(
    lambda pairs: "".join(w + s for w, s in pairs)
)
anything = st.text(max_size=200)


@settings(max_examples=300)
@given(st.one_of(prose, anything), st.one_of(prose, anything))
def test_applying_ops_to_the_old_text_gives_the_new_text(old: str, new: str) -> None:
    ops = diff.diff(old, new)
    assert diff.apply(old, ops) == new


@given(st.one_of(prose, anything), st.one_of(prose, anything))
def test_equal_and_delete_spell_the_old_text(old: str, new: str) -> None:
    ops = diff.diff(old, new)
    assert "".join(op["text"] for op in ops if op["op"] != "insert") == old
    assert all(op["text"] for op in ops)
    assert all(a["op"] != b["op"] for a, b in itertools.pairwise(ops))


@given(prose)
def test_identical_texts_are_one_equal_op(text: str) -> None:
    ops = diff.diff(text, text)
    assert ops == ([{"op": "equal", "text": text}] if text else [])


def test_a_changed_word_is_a_delete_then_insert() -> None:
    ops = diff.diff("The pause is triggered.", "The pause shall be triggered.")
    assert ops == [
        {"op": "equal", "text": "The pause "},
        {"op": "delete", "text": "is"},
        {"op": "insert", "text": "shall be"},
        {"op": "equal", "text": " triggered."},
    ]


def test_html_escapes_the_text_and_marks_changes() -> None:
    html = diff.render_html(diff.diff("a <script>", "a <b>bold</b>"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.startswith("a ") and "<del>&lt;script&gt;</del>" in html and "<ins>" in html


def test_apply_refuses_ops_that_do_not_fit() -> None:
    with pytest.raises(ValueError):
        diff.apply("abc", [{"op": "equal", "text": "abd"}])
    with pytest.raises(ValueError):
        diff.apply("abc", [{"op": "equal", "text": "ab"}])
