"""Everything a run creates carries the run's prefix and is deleted at the end, also when a
scenario fails part-way (issue 2: "deleted at the end, also when a scenario fails")."""

from __future__ import annotations

import httpx
import pytest

from cognitive_conformance.conformance.events import RunStarted
from cognitive_conformance.conformance.runner import RunConfig, run
from cognitive_conformance.emulator.config import EmulatorConfig
from cognitive_conformance.emulator.server import running

pytestmark = pytest.mark.e2e
KEY = "c1ean0p00000000000000000000000001"
H = {"Ocp-Apim-Subscription-Key": KEY}


def _leftovers(url: str, prefix: str) -> list[str]:
    found: list[str] = []
    with httpx.Client(base_url=url, headers=H) as c:
        for version in ("v1.0", "v1.2"):
            for kind, key in (("persongroups", "personGroupId"), ("largepersongroups", "largePersonGroupId")):
                found += [g[key] for g in c.get(f"/face/{version}/{kind}", params={"top": 1000}).json() if g[key].startswith(prefix)]
        profiles = c.get("/speaker-recognition/identification/text-independent/profiles",
                         params={"api-version": "2021-09-05", "maxpagesize": 500}).json()["value"]
        found += [p["profileId"] for p in profiles]  # a run creates no profile it does not delete
        for kind in ("projects", "consents", "personalvoices", "trainingsets", "models", "endpoints"):
            items = c.get(f"/customvoice/{kind}", params={"api-version": "2024-02-01-preview", "maxpagesize": 500}).json()["value"]
            # endpoint ids are UUIDs: the run's prefix is on their displayName
            found += [i["id"] for i in items if str(i.get("displayName" if kind == "endpoints" else "id")).startswith(prefix)]
    return found


@pytest.mark.parametrize("fault", [None, "train-returns-200"])
def test_run_leaves_nothing_behind(fault: str | None) -> None:
    faults = (fault,) if fault else ()
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.2, faults=faults)) as url:
        result = run(RunConfig(target=url, key=KEY, max_examples=2, api_versions=("v1.2", "2021-09-05", "2024-02-01-preview"), workers=2,
                               poll_interval_s=0.1))  # the emulator trains in 0.2 s: re-read after 0.1 s, not a live target's 1 s
        start = next(e for e in result.events if isinstance(e, RunStarted))
        assert result.exit_code == (1 if fault else 0)
        assert result.requests > 100
        assert _leftovers(url, f"cc-{start.run_id}-") == []
