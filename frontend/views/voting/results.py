"""A round's results and its published record.

Results: per motion the narrative first, then a bar chart per stakeholder group drawn as SVG on
the server, with the numbers in a table beside it (the chart's text equivalent), then the
objections on record. While the round is open only turnout per group is shown.

Record: the ballots as ``selectors.record`` gives them, a page at a time, with the chain head
and the counted root; ``?receipt=<leaf>`` finds a ballot and marks its row, without JavaScript.
Both cost a fixed number of queries, whatever the number of ballots.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from convene.models import StakeholderGroup
from deliberation.models import Motion, VotingRound
from deliberation.voting import selectors, tally
from deliberation.voting.permissions import can_see_record
from frontend.views.voting import render_voting
from frontend.views.voting.rounds import round_for_page

# The chart's geometry, in SVG user units: a label column, then the bar.
BAR_X, BAR_WIDTH, ROW_HEIGHT, BAR_HEIGHT = 120, 270, 30, 18
POSITIONS = [("yes", "Yes"), ("no", "No"), ("abstain", "Abstain"), ("object", "Object")]
PAGE_SIZE = 100
LEAF = re.compile(r"[0-9a-f]{64}")


# --- results --------------------------------------------------------------------------------------
def _segments(parts: list[tuple[str, str, int]], eligible: int) -> list[dict[str, Any]]:
    """Bar segments, left to right, as fractions of the eligible roll (``parts`` are
    (css class, label, count)); what is left of the roll is "did not take part"."""
    scale = BAR_WIDTH / max(eligible, 1)
    x = float(BAR_X)
    out = []
    for css, label, count in parts:
        if count:
            width = round(count * scale, 2)
            out.append({"css": css, "label": label, "count": count, "x": round(x, 2), "w": width})
            x += width
    return out


def _group_rows(result: dict[str, Any], closed_yes_no: bool) -> list[dict[str, Any]]:
    rows = []
    for index, group in enumerate(tally.GROUPS):
        numbers = result["by_group"].get(group, {})
        eligible, turnout = numbers.get("eligible", 0), numbers.get("turnout", 0)
        if closed_yes_no:
            parts = [(f"seg-{key}", label, numbers.get(key, 0)) for key, label in POSITIONS]
        else:
            parts = [("seg-turnout", "Took part", turnout)]
        parts.append(("seg-none", "Did not take part", max(eligible - turnout, 0)))
        rows.append(
            {
                "group": group,
                "label": StakeholderGroup(group).label,
                "numbers": numbers,
                "eligible": eligible,
                "turnout": turnout,
                "y": index * ROW_HEIGHT,
                "text_y": index * ROW_HEIGHT + BAR_HEIGHT - 4,
                "segments": _segments(parts, eligible),
            }
        )
    return rows


def group_chart(result: dict[str, Any], *, yes_no: bool, key: Any, what: str) -> dict[str, Any]:
    """What ``frontend/partials/group_chart.html`` draws for one motion's ``result``: per-group
    bars (positions when ``yes_no``, else turnout), its caption about ``what``, and the table
    that is its text equivalent. ``key`` makes its element ids unique on the page."""
    lead = "How each stakeholder group voted" if yes_no else "Turnout per stakeholder group"
    return {
        "id": key,
        "caption": f"{lead}{what}, out of those eligible",
        "table_caption": f"Numbers per group{what}",
        "yes_no": yes_no,
        "groups": _group_rows(result, yes_no),
        "legend": (POSITIONS if yes_no else [("turnout", "Took part")])
        + [("none", "Did not take part")],
    }


def _motion_result(
    result: dict[str, Any], motion: Motion, labels: dict[int, str], closed: bool
) -> dict[str, Any]:
    closed_yes_no = closed and motion.is_yes_no
    return {
        "motion": motion,
        "result": result,
        "closed_yes_no": closed_yes_no,
        "chart": group_chart(
            result, yes_no=closed_yes_no, key=motion.pk, what=f" on motion {motion.position}"
        ),
        "winner": labels.get(result.get("winner") or 0, ""),
        "objections": [
            {**o, "group_label": StakeholderGroup(o["group"]).label} for o in result["objections"]
        ],
    }


CHART = {
    "bar_x": BAR_X,
    "bar_width": BAR_WIDTH,
    "bar_height": BAR_HEIGHT,
    "width": BAR_X + BAR_WIDTH + 10,
    "height": ROW_HEIGHT * len(tally.GROUPS),
}


@require_http_methods(["GET"])
def round_results(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = round_for_page(request, round_id)
    data = selectors.results(user=request.user, round_=round_)
    closed = data["status"] == VotingRound.Status.CLOSED
    motions = {m.pk: m for m in round_.motions.all()}
    # Winners are named by label; alternatives are read only when a motion chose among them.
    labels = {}
    if closed and any(not m.is_yes_no for m in motions.values()):
        labels = {
            a.pk: a.label for alts in selectors.alternatives_of(round_).values() for a in alts
        }
    context = {
        "round": round_,
        "framework": round_.framework,
        "closed": closed,
        "open": data["status"] == VotingRound.Status.OPEN,
        "results": [_motion_result(r, motions[r["id"]], labels, closed) for r in data["motions"]],
        "chart": CHART,
    }
    return render_voting(request, "results.html", context)


# --- record ---------------------------------------------------------------------------------------
def _choice_text(
    choice: dict[str, Any], positions: dict[int, int], labels: dict[int, str]
) -> dict[str, Any]:
    """One motion's choice on a ballot in words: "Motion 2: Object", "Motion 3: B > A"."""
    number = positions.get(choice.get("motion", 0), "?")
    if "position" in choice:
        text = dict(POSITIONS).get(choice["position"], choice["position"])
    elif "ranking" in choice:
        text = " > ".join(labels.get(pk, str(pk)) for pk in choice["ranking"])
    else:
        text = "approves " + ", ".join(labels.get(pk, str(pk)) for pk in choice["approvals"])
    return {"motion": number, "text": text, "reason": choice.get("reason", "")}


def _receipt(raw: str) -> tuple[str, str]:
    """(leaf, error) from the "find my receipt" box."""
    leaf = "".join(raw.split()).lower()[:200]
    if not leaf:
        return "", ""
    if not LEAF.fullmatch(leaf):
        return "", "A receipt is 64 characters, digits 0 to 9 and letters a to f."
    return leaf, ""


def _page_number(raw: str, pages: int) -> int:
    return min(int(raw), pages) if raw.isascii() and raw.isdigit() and 0 < len(raw) < 7 else 1


@require_http_methods(["GET"])
def round_record(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = round_for_page(request, round_id)
    verdict = can_see_record(request.user, round_)
    context: dict[str, Any] = {"round": round_, "framework": round_.framework, "refusal": ""}
    if not verdict:
        context["refusal"] = verdict.message
        return render_voting(request, "record.html", context, status=verdict.status)
    record = selectors.record(user=request.user, round_=round_)
    ballots = record["ballots"]
    leaf, receipt_error = _receipt(request.GET.get("receipt", ""))
    match = next((i for i, b in enumerate(ballots) if b["leaf"] == leaf), None) if leaf else None
    pages = max(1, -(-len(ballots) // PAGE_SIZE))
    page = (
        match // PAGE_SIZE + 1
        if match is not None
        else _page_number(request.GET.get("page", ""), pages)
    )
    positions = {m.pk: m.position for m in round_.motions.all()}
    labels = {a.pk: a.label for alts in selectors.alternatives_of(round_).values() for a in alts}
    shown = ballots[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    context |= {
        "record": record,
        "secret": round_.is_secret,
        "rows": [
            {
                "ballot": b,
                "number": (page - 1) * PAGE_SIZE + i + 1,
                "choices": [_choice_text(c, positions, labels) for c in b["choices"]],
                "match": b["leaf"] == leaf,
                "group": StakeholderGroup(b["group"]).label if b.get("group") else "",
            }
            for i, b in enumerate(shown)
        ],
        "total": len(ballots),
        "page": page,
        "pages": pages,
        "receipt": request.GET.get("receipt", "")[:200],
        "receipt_error": receipt_error,
        "found": ballots[match] if match is not None else None,
        "found_number": match + 1 if match is not None else None,
        "searched": bool(leaf),
    }
    return render_voting(request, "record.html", context, status=400 if receipt_error else 200)
