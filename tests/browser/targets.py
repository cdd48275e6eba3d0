"""A target-size check for browser tests (WCAG 2.2 "target size, minimum"): every visible
interactive element is at least 24x24 CSS px, unless it is a link inline in a sentence or a
control whose label, clicked in its place, makes up the size."""

from __future__ import annotations

import itertools
from typing import Any

MIN_PX = 24

# Collects the undersized targets as "tag#id.class 'text' (wxh)". A target is exempt when it is
# laid out inline (display: inline) and the block it sits in has text of its own around it.
_UNDERSIZED = """(min) => {
  const selector = "a, button, input, select, textarea, summary, [role=button]";
  const blockOf = (el) => {
    let node = el.parentElement;
    while (node && getComputedStyle(node).display.startsWith("inline")) node = node.parentElement;
    return node;
  };
  const inText = (el) => {
    if (getComputedStyle(el).display !== "inline") return false;
    const block = blockOf(el);
    if (!block) return false;
    const own = (el.textContent || "").replace(/\\s+/g, "");
    const all = (block.textContent || "").replace(/\\s+/g, "");
    return all.length > own.length;
  };
  // A checkbox or radio button's label is part of its target: clicking it toggles the control.
  const labelled = (el, box, min) => {
    for (const label of el.labels || []) {
      const own = label.getBoundingClientRect();
      const width = Math.max(box.right, own.right) - Math.min(box.left, own.left);
      const height = Math.max(box.bottom, own.bottom) - Math.min(box.top, own.top);
      if (width >= min && height >= min) return true;
    }
    return false;
  };
  const name = (el) => {
    const id = el.id ? "#" + el.id : "";
    const cls = el.classList.length ? "." + [...el.classList].join(".") : "";
    const text = (el.textContent || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return `${el.tagName.toLowerCase()}${id}${cls} '${text}'`;
  };
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.type === "hidden") continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // not rendered (a closed <details>)
    if (box.width <= 1 && box.height <= 1) continue;  // visually hidden, not a target
    if (box.width >= min && box.height >= min) continue;
    if (inText(el)) continue;
    if (labelled(el, box, min)) continue;
    found.push(`${name(el)} (${Math.round(box.width)}x${Math.round(box.height)})`);
  }
  return found;
}"""


def undersized_targets(page: Any) -> list[str]:
    """The page's visible interactive elements under 24x24 px that are not inline in text."""
    found: list[str] = page.evaluate(_UNDERSIZED, MIN_PX)
    return found


def check_target_sizes(page: Any, label: str, problems: Any) -> None:
    """Record the page's undersized targets under ``label``: in a dict (``problems[label]``,
    as ``check_axe`` does) or appended to a list as "label: target"."""
    found = undersized_targets(page)
    if not found:
        return
    if isinstance(problems, dict):
        problems[label] = found
    else:
        problems.extend(f"{label}: {target}" for target in found)


def check_pages(
    page: Any,
    urls: dict[str, str],
    who: str,
    axe: dict[str, list[str]],
    small: dict[str, list[str]],
    widths: tuple[int, ...] = (1280, 390),
) -> None:
    """Open each page at each width: axe's serious and critical violations are recorded in
    ``axe`` and undersized targets in ``small``, under "page, who at W px"; a page wider than
    the window (sideways scrolling) fails at once. The window is 1280 px wide afterwards."""
    from tests.browser.test_voting import check_axe

    for (name, url), width in itertools.product(urls.items(), widths):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        label = f"{name}, {who} at {width} px"
        check_axe(page, label, axe)
        check_target_sizes(page, label, small)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, label
    page.set_viewport_size({"width": 1280, "height": 900})
