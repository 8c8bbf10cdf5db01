"""Walking a paged list through ``nextLink``: one walker for every service's lists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cognitive_conformance.conformance.flows.evidence import PageWalk
from cognitive_conformance.conformance.scenarios.session import Session
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = ["MAX_PAGES", "walk_pages"]

#: A walk stops (incomplete) after this many pages, so a nextLink loop cannot run forever.
MAX_PAGES = 200


def walk_pages(
    session: Session,
    path: str,
    *,
    max_page_size: int | None = None,
    expected_ids: Iterable[str] = (),
    item_key: str = "id",
    items_fields: tuple[str, ...] = ("value",),
    params: dict[str, Any] | None = None,
) -> PageWalk:
    """Read ``path`` and follow ``nextLink`` to the last page; judge and return the :class:`PageWalk`.

    Every page is judged by the response rules as it is read; the walk by the flow rules.
    It stops at the first non-200 page (``complete=False``) or after :data:`MAX_PAGES`.
    """
    query = dict(params or {})
    if max_page_size is not None:
        query["maxpagesize"] = max_page_size
    pages: list[ResponseRecord] = []
    url: str | None = path
    complete = False
    next_params: dict[str, Any] | None = query or None
    while url is not None and len(pages) < MAX_PAGES:
        record = session.call("GET", url, params=next_params)
        next_params = None
        pages.append(record)
        if record.status_code != 200:
            break
        body = record.json_or_none()
        link = body.get("nextLink") if isinstance(body, dict) else None
        if not isinstance(link, str) or not link:
            complete = True
            break
        url = link
    walk = PageWalk(
        pages=tuple(pages),
        expected_ids=frozenset(str(i) for i in expected_ids),
        item_key=item_key,
        items_fields=items_fields,
        max_page_size=max_page_size,
        complete=complete,
    )
    session.assess(walk)
    return walk
