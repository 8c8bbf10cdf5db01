"""Judging a :class:`~conformance.flows.PageWalk`: every item on exactly one page, no page over maxpagesize.

One judgement for every paged list; each service pack registers the rule that applies it to
its lists (the rule names are what its faults are caught by).
"""

from __future__ import annotations

from cognitive_conformance.conformance.checks.registry import NotApplicable
from cognitive_conformance.conformance.failures import BodyFailure
from cognitive_conformance.conformance.flows.evidence import PageWalk

__all__ = ["PagingViolation", "judge_walk"]


class PagingViolation(BodyFailure):
    title = "Paging does not list every resource exactly once"


def judge_walk(walk: PageWalk, noun: str = "item") -> None:
    """Raise :class:`PagingViolation` if the walk lists an item twice, misses one, or overfills a page."""
    pages = [p for p in walk.pages if p.status_code == 200]
    if not pages:
        raise NotApplicable("no page was read")
    if not walk.complete:
        raise NotApplicable("the walk did not reach its last page")
    seen: dict[str, int] = {}
    for number, page in enumerate(pages, start=1):
        items = walk.page_items(page)
        if items is None:
            raise NotApplicable(f"page {number} is not a page body (the schema rules report it)")
        if walk.max_page_size is not None and len(items) > walk.max_page_size:
            raise PagingViolation(
                f"page {number} holds {len(items)} {noun}s",
                received=len(items),
                documented=f"at most maxpagesize={walk.max_page_size}",
            )
        for item in items:
            if walk.item_key not in item:
                continue
            key = str(item[walk.item_key]).lower()
            if key in seen:
                raise PagingViolation(
                    f"{noun} {key} is listed on page {seen[key]} and again on page {number}",
                    received=f"{len(pages)} pages, {key} twice",
                    documented=f"each {noun} on exactly one page",
                )
            seen[key] = number
    expected = {str(i).lower() for i in walk.expected_ids}
    missing = sorted(expected - set(seen))
    if missing:
        raise PagingViolation(
            f"{len(missing)} existing {noun}(s) are on no page",
            received=", ".join(missing[:5]),
            documented=f"all {len(expected)} {noun}s created for the walk",
        )
