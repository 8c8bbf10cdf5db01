"""The report's coverage table: every operation of the rendered spec with the exchanges the run sent to it."""

from __future__ import annotations

import json
from dataclasses import replace

import httpx
import jsonschema

from cognitive_conformance.conformance import runner
from cognitive_conformance.conformance.coverage import ExchangeCounter
from cognitive_conformance.conformance.events import PhaseFinished, PhaseStarted, RunFinished, RunStarted, dump, load
from cognitive_conformance.conformance.reports import html, markdown, model
from cognitive_conformance.conformance.reports.json_report import SCHEMA_PATH
from cognitive_conformance.conformance.reports.merge import merge_runs
from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.conformance.transport import Transport

from ._events import events


def _transport(base: str = "http://target.test/") -> Transport:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429 if request.url.path.endswith("/throttled") else 200, json={})

    return Transport(base, "k3y-0123456789abcdef", client=httpx.Client(transport=httpx.MockTransport(handler)))


def test_every_sent_exchange_is_counted_for_its_operation() -> None:
    spec = Spec("face", "v1.2")
    transport = _transport("http://target.test/prefix")
    counter = ExchangeCounter(spec, transport.base_url)
    transport.recorders.append(counter.add)
    transport.request("GET", "/face/v1.2/persongroups/g1", operation_id="PersonGroupOperations_GetPersonGroup")
    transport.request("GET", "/face/v1.2/persongroups/g2")  # no operation named: matched by method and path
    transport.request("PUT", "/face/v1.2/persongroups/g2", json_body={"name": "x"})
    transport.request("PATCH", "/face/v1.2/no-such-collection")  # no operation describes it
    counts, unmatched = counter.snapshot()
    assert list(counts) == [op.operation_id for op in spec.operations()]  # every operation, in spec order
    assert counts["PersonGroupOperations_GetPersonGroup"] == 2
    assert counts["PersonGroupOperations_CreatePersonGroup"] == 1
    assert sum(counts.values()) == 3 and unmatched == 1
    assert counts["PersonGroupOperations_TrainPersonGroup"] == 0


def test_a_phase_reports_the_exchanges_it_sent_and_the_model_adds_both_phases(tmp_path) -> None:
    spec = Spec("speaker", "2021-09-05")
    transport = _transport()
    runner._attach_coverage(transport, spec)
    before = runner._counters(transport)
    transport.request("GET", "/speaker-recognition/identification/text-independent/phrases/en-US", params={"api-version": "2021-09-05"})
    stateless = runner._phase_finished(spec, "stateless", transport, 0.0, before)
    before = runner._counters(transport)
    for _ in range(2):
        transport.request("GET", "/speaker-recognition/identification/text-independent/phrases/en-US")
    stateful = runner._phase_finished(spec, "stateful", transport, 0.0, before)
    phrases = next(op.operation_id for op in spec.operations() if op.path.endswith("/phrases/{locale}"))
    assert stateless.exchanges[phrases] == 1 and stateful.exchanges[phrases] == 2
    assert stateless.requests == sum(stateless.exchanges.values()) + stateless.unmatched

    start = RunStarted("r1", "http://target.test", False, ("speaker",), {"speaker": ("2021-09-05",)}, "observed", 0, 1, "2026-01-01T00:00:00Z")
    stream = [start, PhaseStarted("speaker", "2021-09-05", "stateless"), stateless, PhaseStarted("speaker", "2021-09-05", "stateful"), stateful,
              RunFinished(0, 1.0, 3, 0, 0)]
    dump(stream, tmp_path / "events.jsonl.gz")
    data = model.build(load(tmp_path / "events.jsonl.gz"))  # through the events file, as a report is built
    (table,) = data["coverage"]
    rows = {r["operationId"]: r for r in table["operations"]}
    assert set(rows) == {op.operation_id for op in spec.operations()}
    assert rows[phrases] == {"operationId": phrases, "method": "GET", "path": "/speaker-recognition/identification/text-independent/phrases/{locale}",
                             "stateless": 1, "stateful": 2, "exchanges": 3}
    assert table["exercised"] == 1 and table["total"] == len(rows)
    assert all(r["exchanges"] == 0 for op, r in rows.items() if op != phrases)
    md = markdown.render(data)
    assert "## Coverage" in md and f"| `{phrases}` | GET |" in md and "1 of " in md
    section = md.split("## Coverage", 1)[1].split("## Rules", 1)[0]
    assert section.count("| 0 | 0 | 0 |") == len(rows) - 1  # an operation no exchange reached shows 0
    page = html.render(data)
    assert 'id="coverage"' in page and phrases in page
    # Two shards of one run: their counts add up.
    merged = model.build(merge_runs([stream, [replace(stream[0], run_id="r2"), *stream[1:]]]))
    assert {r["operationId"]: r["exchanges"] for r in merged["coverage"][0]["operations"]}[phrases] == 6


def test_the_model_with_coverage_validates_and_a_run_without_counts_says_so() -> None:
    data = model.build(events())
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert data["coverage"] == []
    assert "No phase counted its exchanges." in markdown.render(data)
    counted = [*events()[:-1], PhaseFinished("face", "v1.2", "stateless", 1.0, 1, exchanges={"A": 1, "B": 0},
                                             operations={"A": "GET /a", "B": "DELETE /a/{id}"}), events()[-1]]
    data = model.build(counted)
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert [(r["operationId"], r["exchanges"]) for r in data["coverage"][0]["operations"]] == [("A", 1), ("B", 0)]


def test_judged_traffic_has_its_coverage_table() -> None:
    from pathlib import Path

    from cognitive_conformance.conformance.recordings import read_recordings
    from cognitive_conformance.conformance.traffic import traffic_run

    files = sorted(str(p) for p in Path("tests/reference/recordings").rglob("*.json"))[:6]
    batches = [(rec.path, [(f"{rec.path}:{i}", entry.record) for i, entry in enumerate(rec.entries)]) for rec in read_recordings(files)]
    events_, _ = traffic_run(batches, target="recordings")
    data = model.build(events_)
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert data["coverage"]
    for table in data["coverage"]:
        assert sum(r["exchanges"] for r in table["operations"]) == next(
            p["requests"] for p in data["phases"] if (p["service"], p["apiVersion"]) == (table["service"], table["apiVersion"]))
        assert all(r["traffic"] == r["exchanges"] for r in table["operations"])
    assert "| traffic | exchanges |" in markdown.render(data)
