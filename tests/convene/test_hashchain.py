"""The pure hash-chain module: any change to a past link is caught at that link."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from convene import hashchain

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**9), 10**9) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)
contents = st.dictionaries(st.text(min_size=1, max_size=8), json_values, max_size=5)


def build(items: list[dict]) -> list[hashchain.Link]:
    links, prev = [], hashchain.GENESIS
    for seq, content in enumerate(items, start=1):
        digest = hashchain.link_hash(prev, content)
        links.append(hashchain.Link(seq, content, prev, digest))
        prev = digest
    return links


def test_canonical_json_ignores_key_order() -> None:
    assert hashchain.canonical_json({"b": 1, "a": "é"}) == hashchain.canonical_json(
        {"a": "é", "b": 1}
    )
    assert hashchain.canonical_json({"a": "é"}) == '{"a":"é"}'.encode()


@given(st.lists(contents, max_size=8))
def test_an_untouched_chain_verifies(items: list[dict]) -> None:
    assert hashchain.verify(build(items)) is None


@given(st.lists(contents, min_size=1, max_size=8), st.data())
def test_changing_any_content_is_caught_at_that_link(items: list[dict], data) -> None:  # type: ignore[no-untyped-def]
    links = build(items)
    index = data.draw(st.integers(0, len(links) - 1))
    tampered = dict(links[index].content)
    tampered["__tampered__"] = True
    links[index] = hashchain.Link(
        links[index].seq, tampered, links[index].prev_hash, links[index].hash
    )
    broken = hashchain.verify(links)
    assert broken is not None and broken.seq == index + 1


@given(st.lists(contents, min_size=2, max_size=8), st.data())
def test_removing_a_link_is_caught(items: list[dict], data) -> None:  # type: ignore[no-untyped-def]
    links = build(items)
    index = data.draw(st.integers(0, len(links) - 2))
    del links[index]
    broken = hashchain.verify(links)
    assert broken is not None


def test_rehashing_a_tampered_link_still_breaks_the_next_one() -> None:
    links = build([{"n": 1}, {"n": 2}, {"n": 3}])
    forged = {"n": 20}
    links[1] = hashchain.Link(
        2, forged, links[1].prev_hash, hashchain.link_hash(links[1].prev_hash, forged)
    )
    broken = hashchain.verify(links)
    assert broken is not None and broken.seq == 3
