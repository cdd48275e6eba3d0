"""Paragraphs, anchors and mentions: the pure rules behind anchored comments."""

from __future__ import annotations

import pytest

from deliberation.discussion.anchors import anchor_error, mentioned_handles, paragraphs

TEXT = "First paragraph, about scope.\n\nSecond one: the trigger.\nIt has two lines.\n\n\nThird."


def test_paragraphs_are_separated_by_blank_lines() -> None:
    assert paragraphs(TEXT) == [
        "First paragraph, about scope.",
        "Second one: the trigger.\nIt has two lines.",
        "Third.",
    ]


def test_a_line_of_spaces_and_tabs_is_blank() -> None:
    assert paragraphs("one\n \t \ntwo") == ["one", "two"]


def test_a_single_newline_does_not_split_a_paragraph() -> None:
    assert paragraphs("one\ntwo") == ["one\ntwo"]


def test_crlf_line_ends_from_a_browser_textarea_split_too() -> None:
    assert paragraphs("one\r\n\r\ntwo\r\nthree") == ["one", "two\nthree"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", None])
def test_empty_text_has_no_paragraphs(text: str | None) -> None:
    assert paragraphs(text) == []  # type: ignore[arg-type]


def test_leading_and_trailing_blank_paragraphs_are_dropped() -> None:
    assert paragraphs("\n\n  \nonly\n\n\n") == ["only"]


@pytest.mark.parametrize(
    ("paragraph", "quote"),
    [
        (0, "about scope"),
        (0, "First paragraph, about scope."),
        (1, "the trigger.\nIt has"),
        (2, "Third"),
    ],
)
def test_anchor_fits_when_the_quote_occurs_in_that_paragraph(paragraph: int, quote: str) -> None:
    assert anchor_error(TEXT, paragraph, quote) is None


def test_anchor_quote_with_crlf_matches_the_same_text() -> None:
    assert anchor_error(TEXT, 1, "the trigger.\r\nIt has") is None


@pytest.mark.parametrize("paragraph", [-1, 1.0, "0", None, True, False, [0]])
def test_anchor_paragraph_must_be_a_non_negative_integer(paragraph: object) -> None:
    problem = anchor_error(TEXT, paragraph, "Third")
    assert problem is not None and problem[0] == "anchor.paragraph"


@pytest.mark.parametrize("paragraph", [3, 4, 1000])
def test_anchor_paragraph_past_the_end_names_the_count(paragraph: int) -> None:
    assert anchor_error(TEXT, paragraph, "Third") == (
        "anchor.paragraph",
        "This version has 3 paragraph(s); the first is 0.",
    )


def test_anchor_paragraph_is_checked_before_the_quote() -> None:
    problem = anchor_error(TEXT, 9, "")
    assert problem is not None and problem[0] == "anchor.paragraph"


@pytest.mark.parametrize("quote", ["", "   ", None, 3, ["Third"]])
def test_anchor_quote_must_be_words(quote: object) -> None:
    problem = anchor_error(TEXT, 2, quote)
    assert problem is not None and problem[0] == "anchor.quote"


def test_anchor_quote_from_another_paragraph_is_refused() -> None:
    assert anchor_error(TEXT, 0, "Third") == (
        "anchor.quote",
        "The quote does not occur in paragraph 0.",
    )


def test_anchor_quote_is_case_sensitive() -> None:
    problem = anchor_error(TEXT, 2, "third")
    assert problem is not None and problem[0] == "anchor.quote"


def test_anchor_quote_longer_than_1000_characters_is_refused() -> None:
    text = "x" * 2000
    assert anchor_error(text, 0, "x" * 1000) is None
    problem = anchor_error(text, 0, "x" * 1001)
    assert problem == ("anchor.quote", "Quote at most 1,000 characters.")


def test_anchor_on_text_without_paragraphs_is_refused() -> None:
    problem = anchor_error("", 0, "anything")
    assert problem is not None and problem[0] == "anchor.paragraph"


@pytest.mark.parametrize(
    ("body", "handles"),
    [
        ("@lena-hartmann what do you think?", {"lena-hartmann"}),
        ("Thanks, @Lena-Hartmann.", {"lena-hartmann"}),
        ("(@lena-hartmann)", {"lena-hartmann"}),
        ("@lena-hartmann's point", {"lena-hartmann"}),
        ("@lena-hartmann-", {"lena-hartmann"}),
        ("@lena_hartmann agrees", {"lena_hartmann"}),
        ("@a and @b2 and @person-3", {"a", "b2", "person-3"}),
        ("line one\n@tomas", {"tomas"}),
        ("@x @x @X", {"x"}),
        ("@" + "a" * 40, {"a" * 40}),
    ],
)
def test_mentions_find_handles(body: str, handles: set[str]) -> None:
    assert mentioned_handles(body) == handles


@pytest.mark.parametrize(
    "body",
    [
        "write to a@b.org",
        "lena@example.org",
        "lena-hartmann@convene.example",
        "see https://example.org/@lena-hartmann",
        "see example.org/@lena",
        "a.@lena",
        "@@lena",
        "@-lena",
        "@ lena",
        "@",
        "@" + "a" * 41,
        "",
    ],
)
def test_mentions_ignore_emails_paths_and_non_handles(body: str) -> None:
    assert mentioned_handles(body) == set()


def test_mentions_of_none_is_empty() -> None:
    assert mentioned_handles(None) == set()  # type: ignore[arg-type]
