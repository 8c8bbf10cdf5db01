"""``conformance cleanup --prefix`` finds resources through each pack's listings, also by a name the run chose.

Custom Voice endpoint ids are UUIDs a run cannot prefix: the endpoint listing matches the prefix on
``displayName`` and deletes by id. A fake transport answers every listing (no HTTP).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cognitive_conformance.conformance.sweep import find_prefixed

PREFIX = "cc-1a2b3c-"
MINE = "9f50c644-2121-40e9-9ea7-544e48bfe3cb"
THEIRS = "11111111-2222-3333-4444-555555555555"


@dataclass
class _Record:
    status_code: int
    body: Any

    def json_or_none(self) -> Any:
        return self.body


class _Transport:
    def __init__(self) -> None:
        self.paths: list[str] = []

    def request(self, method: str, url: str, params: Any = None) -> _Record:
        self.paths.append(url)
        if url.endswith("/customvoice/endpoints"):
            return _Record(200, {"value": [{"id": MINE, "displayName": f"{PREFIX}endpoint"}, {"id": THEIRS, "displayName": "prod"}]})
        if url.endswith("/customvoice/models"):
            return _Record(200, {"value": [{"id": f"{PREFIX}model"}, {"id": "production-model"}]})
        return _Record(200, {"value": []} if "/customvoice/" in url else [])


def test_endpoints_are_found_by_display_name_and_deleted_by_id_before_their_models() -> None:
    found = [e["path"] for e in find_prefixed(_Transport(), PREFIX) if e["service"] == "customvoice"]
    assert found == [f"/customvoice/endpoints/{MINE}", f"/customvoice/models/{PREFIX}model"]
