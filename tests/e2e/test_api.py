"""cognitive_conformance.api over real HTTP (the embedded emulator, an emulator with a fault), and
`conformance report merge` of two real runs made by the console script."""

from __future__ import annotations

import doctest
import gzip
import json
import signal
from pathlib import Path

import jsonschema
import pytest

from cognitive_conformance import api
from cognitive_conformance.conformance import events as ev
from cognitive_conformance.conformance.reports import model
from cognitive_conformance.conformance.reports.json_report import SCHEMA_PATH
from cognitive_conformance.emulator.config import EmulatorConfig
from cognitive_conformance.emulator.server import running
from tests.e2e.emulator_proc import conformance

pytestmark = pytest.mark.e2e
KEY = "ap1k3y00000000000000000000000042"
SCHEMA = json.loads(SCHEMA_PATH.read_text())
RECORDINGS = Path(__file__).resolve().parents[1] / "reference" / "recordings"
README = Path(__file__).resolve().parents[2] / "README.md"


def _texts(directory: Path) -> dict[str, str]:
    """Every file a run wrote (reports, HAR, repro files, the gzipped events record) as text."""
    return {str(p.relative_to(directory)): (gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()).decode("utf-8", "replace")
            for p in directory.rglob("*") if p.is_file()}



def test_the_module_examples_run_as_written() -> None:
    outcome = doctest.testmod(api, optionflags=doctest.ELLIPSIS)
    assert outcome.attempted >= 4 and outcome.failed == 0


def test_the_readme_python_example_runs_as_written_and_prints_what_it_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    text = README.read_text(encoding="utf-8")
    code = text.split("<!-- python-api:", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "tests" / "reference").mkdir(parents=True)
    (tmp_path / "tests" / "reference" / "recordings").symlink_to(RECORDINGS)  # the path it names, from a checkout
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out.splitlines() == ["0 True 0 True", "1 12 11 131"]
    assert "prints `0 True 0 True`, then `1 12 11 131`" in text
    assert json.loads((tmp_path / "reports" / "api" / "conformance.json").read_text())["result"]["exitCode"] == 0


def test_run_writes_the_report_set_and_returns_what_it_says(tmp_path: Path, capfd: pytest.CaptureFixture) -> None:
    handler = signal.getsignal(signal.SIGINT)
    during = []
    result = api.run(
        key=KEY, services="face", api_versions=["v1.2"], report_dir=tmp_path, phases="stateful",
        scenarios=("face-auth", "face-persongroup-train-poll"), on_event=lambda e: during.append(signal.getsignal(signal.SIGINT)),
    )
    assert (result.exit_code, result.conformant, result.error, result.incomplete) == (0, True, None, None)
    assert during and set(during) == {handler}  # no signal handler installed while it ran
    assert capfd.readouterr() == ("", "")  # nothing printed
    assert result.target.startswith("http://127.0.0.1:") and result.report["target"]["embeddedEmulator"] is True
    assert result.counts == api.Counts(0, 0, 0, 0, result.report["result"]["deviations"], result.report["result"]["requests"], result.report["result"]["polls"])
    assert result.counts.requests > 0 and result.counts.polls > 0 and result.findings == []
    assert sorted(p.name for p in result.report_paths) == ["conformance.json", "events.jsonl.gz", "junit.xml", "report.html", "summary.md", "traffic.har"]
    written = json.loads((tmp_path / "conformance.json").read_text())
    assert written == json.loads(json.dumps(result.report)) and ev.load(tmp_path / "events.jsonl.gz") == list(result.events)
    jsonschema.validate(written, SCHEMA)
    texts = _texts(tmp_path)
    assert "ledger.jsonl" in texts and all(KEY not in text for text in texts.values())


def test_a_nonconformant_target_is_a_result_with_its_findings(tmp_path: Path) -> None:
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.2, faults=("train-returns-200",))) as url:
        result = api.run(url, KEY, services="face", api_versions="v1.2", phases="stateful",
                         scenarios="face-persongroup-train-poll")
    assert (result.exit_code, result.conformant, result.target, result.report_paths) == (1, False, url, ())
    assert result.counts.errors >= 1 and "status_code_documented" in {f["check"] for f in result.findings}
    assert all(KEY not in f["repro"] for f in result.findings)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"services": "nope"}, "unknown service 'nope'"),
        ({"api_versions": "v9"}, "unknown API version(s) v9"),
        ({"max_exampels": 2}, "unknown option(s) max_exampels"),
        ({"max_examples": 0}, "max_examples must be at least 1"),
        ({"poll_timeout_s": "soon"}, "poll_timeout_s must be positive"),
        ({"phases": "stateles"}, "unknown phase 'stateles'"),
        ({"auth": "aad", "key": "k"}, "key is a subscription key"),
        ({"target": "http://127.0.0.1:9"}, "a key is needed for a target"),
    ],
)
def test_usage_errors_raise_config_error(kwargs: dict, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONFORMANCE_KEY", raising=False)
    with pytest.raises(api.ConfigError) as caught:
        api.run(**kwargs)
    assert message in str(caught.value) and isinstance(caught.value, ValueError)


def test_validate_judges_the_shipped_recordings(tmp_path: Path) -> None:
    observed = api.validate(RECORDINGS, report_dir=tmp_path)
    assert (observed.exit_code, observed.recordings, observed.exchanges, observed.long_running_operations) == (0, 11, 131, 15)
    assert observed.counts.findings == 0 and observed.counts.deviations == 8
    assert (tmp_path / "events.jsonl.gz").is_file() and json.loads((tmp_path / "conformance.json").read_text())["result"]["deviations"] == 8
    docs = api.validate([str(RECORDINGS)], profile="docs")
    assert (docs.exit_code, docs.counts.findings, docs.counts.errors, docs.counts.occurrences) == (1, 12, 12, 19)
    (tmp_path / "empty").mkdir()
    with pytest.raises(api.ConfigError, match="no recording found"):
        api.validate(tmp_path / "empty")
    with pytest.raises(api.ConfigError, match="nothing-here"):
        api.validate(tmp_path / "nothing-here")
    with pytest.raises(api.ConfigError, match="unknown profile"):
        api.validate(RECORDINGS, profile="strict")


@pytest.mark.slow  # two runs and a merge through the console script
def test_two_real_runs_merge_into_one_report_whose_counts_are_their_sums(tmp_path: Path) -> None:
    face, voice, merged = tmp_path / "face", tmp_path / "voice", tmp_path / "merged"
    for out, service, version, scenario in ((face, "face", "v1.2", "face-persongroup-train-poll"),
                                            (voice, "customvoice", "2026-01-01", "voice-personal-voice-train-poll")):
        proc, _ = conformance("run", "--service", service, "--api-version", version, "--phase",
                              "stateful", "--scenario", scenario, "--key", KEY, "--report-dir", str(out), "-q")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert f"{out / 'events.jsonl.gz'}" in proc.stdout  # the record is named among the reports
        assert all(KEY not in text for text in _texts(out).values())  # the key is in no report, nor the record
    proc, _ = conformance("report", "merge", str(face), str(voice), "-o", str(merged))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    parts = [json.loads((d / "conformance.json").read_text()) for d in (face, voice)]
    data = json.loads((merged / "conformance.json").read_text())
    jsonschema.validate(data, SCHEMA)
    for count in ("requests", "polls", "findings", "errors", "warnings", "occurrences", "deviations", "throttles"):
        assert data["result"][count] == parts[0]["result"][count] + parts[1]["result"][count], count
    assert data["result"]["polls"] > 0 and len(data["lros"]) == len(parts[0]["lros"]) + len(parts[1]["lros"])
    assert [s["service"] for s in data["services"]] == ["face", "customvoice"]
    assert data["runId"] == f"{parts[0]['runId']}+{parts[1]['runId']}"
    assert {r["id"] for r in data["rules"]} == {r["id"] for p in parts for r in p["rules"]}
    assert f"conformant: {model.headline(data)}; {data['result']['requests']} requests" in proc.stdout
    again = api.merge([face, voice])  # the API says the same
    assert again.exit_code == 0 and again.counts == api.Counts.of(data) and again.report_paths == ()
    with pytest.raises(api.ConfigError, match="one of the directories merged"):
        api.merge([face, voice], report_dir=face)
