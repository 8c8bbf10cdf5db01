"""Report writers. Each consumes the event stream of a run (via :func:`model.build`) only."""

from __future__ import annotations

from pathlib import Path

from cognitive_conformance.conformance.events import Event, RunStarted
from cognitive_conformance.conformance.reports import html, json_report, junit, markdown, model

__all__ = ["write_all", "REPORT_FILES"]

REPORT_FILES = ("conformance.json", "junit.xml", "summary.md", "report.html")


def write_all(events: list[Event], directory: str | Path) -> list[Path]:
    """Write ``conformance.json``, ``junit.xml``, ``summary.md`` and ``report.html`` into ``directory``.

    When the run's jobs streamed HAR parts into ``directory/.parts`` (``RunConfig.har_parts``),
    they are merged into ``directory/traffic.har`` first, and ``conformance.json`` names it (``har``).
    The findings' repros need ``repro/`` beside them (each body file and script,
    :func:`conformance.repro.write_files`); it is written, and listed last, when there is one.
    """
    from cognitive_conformance.conformance import repro

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    data = model.build(events)
    har = _assemble_har(events, out)
    data["har"] = None if har is None else har.to_dict()
    paths = [
        json_report.write(data, out / "conformance.json"),
        junit.write(data, out / "junit.xml"),
        markdown.write(data, out / "summary.md"),
        html.write(data, out / "report.html"),
    ]
    if har is not None:
        paths.append(har.path)
    if repro.write_files(data, events, out):
        paths.append(out / "repro")
    return paths


def _assemble_har(events: list[Event], out: Path):
    from cognitive_conformance.conformance.har import HAR_NAME, PARTS_DIR, assemble

    # a merged run (conformance report merge, the pytest plugin) names all its parts' runs, joined by "+"
    run_ids = [r for e in events if isinstance(e, RunStarted) for r in e.run_id.split("+")]
    return assemble(out / PARTS_DIR, out / HAR_NAME, run_ids=run_ids)
