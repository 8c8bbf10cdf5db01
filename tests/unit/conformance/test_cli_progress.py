"""What a run shows while it runs (conformance/progress.py): plain ``service@version phase:`` lines when stderr is
not a terminal, live bars when it is, nothing with -q; and progress reaching the parent from worker processes."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cognitive_conformance.conformance.events import (
    Finding,
    FindingRaised,
    PhaseFinished,
    PhaseStarted,
    RuleInfo,
    RulesDeclared,
    RunStarted,
    ScenarioFinished,
)
from cognitive_conformance.conformance.progress import (
    LineDisplay,
    LiveDisplay,
    Progress,
    QuietDisplay,
    open_display,
)

PREFIX = re.compile(r"^(?P<job>\S+@\S+) (?P<phase>stateless|stateful): ")


def _finding(check: str = "status_code_documented", severity: str = "error") -> FindingRaised:
    return FindingRaised(Finding(check=check, title="Status not documented", rule="r", source="s", message="m",
                                 service="face", version="v1.2", phase="stateless", operation_id="PersonGroup_Get",
                                 status_code=500, repro="curl -H 'Ocp-Apim-Subscription-Key: ***'", severity=severity))


def _recorded_run() -> list[object]:
    """A run's stream as a worker sends it: events and Progress interleaved (two jobs, both phases)."""
    stream: list[object] = [
        RunStarted("abc123", "http://127.0.0.1:1", True, ("face", "speaker"), {"face": ("v1.2",), "speaker": ("2021-09-05",)},
                   "observed", 0, 5, "2026-12-03T00:00:00Z"),
        RulesDeclared((RuleInfo("status_code_documented", "s", "src", "f", "response"),
                       RuleInfo("client_polls_no_faster_than_floor", "s", "src", "f", "flow", severity="warning"))),
        PhaseStarted("face", "v1.2", "stateless"),
    ]
    for done in range(3):
        stream.append(Progress("face", "v1.2", "stateless", done, 3, done * 40, f"Op{done}"))
    stream += [
        _finding(), _finding(),  # two occurrences of one finding
        Progress("face", "v1.2", "stateless", 3, 3, 130),
        PhaseFinished("face", "v1.2", "stateless", 4.2, 130, throttles=2, throttle_wait_s=1.5, rate_wait_s=0.25),
        PhaseStarted("speaker", "2021-09-05", "stateful"),
        Progress("speaker", "2021-09-05", "stateful", 0, 2, 0, "speaker-auth"),
        ScenarioFinished("speaker", "2021-09-05", "speaker-auth", True, 0.2),
        Progress("speaker", "2021-09-05", "stateful", 1, 2, 2, "speaker-limits"),
        ScenarioFinished("speaker", "2021-09-05", "speaker-limits", False, 1.0, "limit not enforced"),
        Progress("speaker", "2021-09-05", "stateful", 2, 2, 9),
        PhaseFinished("speaker", "2021-09-05", "stateful", 1.3, 9),
    ]
    return stream


def _play(display, stream) -> None:
    with display:
        for item in stream:
            (display.progress if isinstance(item, Progress) else display.event)(item)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0  # every call is one second later
        return self.now


def test_plain_lines_name_the_job_and_phase_and_the_stateless_phase_shows_its_progress() -> None:
    out = io.StringIO()
    _play(LineDisplay(out, interval=2.0, clock=_Clock()), _recorded_run())
    lines = out.getvalue().splitlines()
    assert lines and all(PREFIX.match(line) for line in lines), lines
    stateless = [line for line in lines if line.startswith("face@v1.2 stateless: ")]
    assert stateless[0] == "face@v1.2 stateless: started"
    assert "face@v1.2 stateless: done, 3/3 operations, 130 requests in 4.2 s" in lines
    assert any(re.match(r"face@v1\.2 stateless: \d/3 operations, \d+ requests \(now Op\d\)$", line) for line in stateless)
    assert sum("status_code_documented" in line for line in lines) == 1, "a finding is shown once, not per occurrence"
    assert "face@v1.2 stateless: error status_code_documented PersonGroup_Get: Status not documented" in lines
    assert "speaker@2021-09-05 stateful: scenario speaker-auth passed (0.2 s)" in lines
    assert "speaker@2021-09-05 stateful: scenario speaker-limits FAILED (1.0 s): limit not enforced" in lines
    assert "speaker@2021-09-05 stateful: done, 2/2 scenarios, 9 requests in 1.3 s" in lines
    assert not any("throttle" in line for line in lines), "throttles and waits are -v's"


def test_progress_lines_are_throttled_per_job_unless_verbose() -> None:
    stream = [PhaseStarted("face", "v1.2", "stateless")] + [Progress("face", "v1.2", "stateless", n, 50, n) for n in range(50)]
    quiet_ish, verbose = io.StringIO(), io.StringIO()
    _play(LineDisplay(quiet_ish, interval=10.0, clock=_Clock()), stream)
    _play(LineDisplay(verbose, verbose=True, clock=_Clock()), stream)
    assert len(quiet_ish.getvalue().splitlines()) == 1 + 50 // 10  # the start, then one line per 10 s
    assert len(verbose.getvalue().splitlines()) == 1 + 50  # the start, then every step


def test_verbose_adds_each_phases_throttles_and_waits() -> None:
    out = io.StringIO()
    _play(LineDisplay(out, verbose=True, clock=_Clock()), _recorded_run())
    assert ("face@v1.2 stateless: done, 3/3 operations, 130 requests in 4.2 s; 2 throttles (429), 1.5 s waited for them, "
            "0.2 s for the rate limit") in out.getvalue().splitlines()


def test_a_warning_finding_says_warning() -> None:
    out = io.StringIO()
    display = LineDisplay(out)
    display.event(RulesDeclared((RuleInfo("client_polls_no_faster_than_floor", "s", "src", "f", "flow", severity="warning"),)))
    display.event(_finding("client_polls_no_faster_than_floor"))
    assert out.getvalue().startswith("face@v1.2 stateless: warning client_polls_no_faster_than_floor")


def test_quiet_shows_nothing(capsys) -> None:
    _play(QuietDisplay(), _recorded_run())
    assert capsys.readouterr() == ("", "")


def test_a_terminal_gets_live_bars_one_per_job_and_they_render() -> None:
    from rich.console import Console

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system="standard")
    display = LiveDisplay(console)
    _play(display, _recorded_run())
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())
    assert "face@v1.2 stateless done" in text and "3/3" in text
    assert "speaker@2021-09-05 stateful done" in text and "2/2" in text
    assert "face@v1.2 stateless: error status_code_documented PersonGroup_Get" in text  # findings above the bars
    assert len(display.tasks) == 2


def test_the_display_follows_whether_stderr_is_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert isinstance(open_display(quiet=True, stream=Tty()), QuietDisplay)
    assert isinstance(open_display(stream=Tty()), LiveDisplay)
    assert isinstance(open_display(stream=io.StringIO()), LineDisplay)


@pytest.mark.e2e
def test_a_pseudo_terminal_renders_without_error_through_the_console_script(tmp_path: Path) -> None:
    """The real CLI with stderr on a pty (a terminal): live bars, no traceback, the closing line on stdout."""
    import pty

    pytest.importorskip("termios")
    exe = Path(sys.executable).with_name("conformance")
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_")}
    proc = subprocess.Popen([str(exe), "run", "--service", "speaker", "--phase", "stateful", "--scenario", "speaker-auth",
                             "--report-dir", str(tmp_path)], stdout=subprocess.PIPE, stderr=slave, text=True, env=env)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    out, _ = proc.communicate(timeout=60)
    os.close(master)
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
    assert proc.returncode == 0, screen + out
    assert "Traceback" not in screen
    assert "speaker@2021-09-05 stateful" in screen and "1/1" in screen
    assert out.startswith("conformant: ")


@pytest.mark.e2e
def test_progress_reaches_the_parent_from_worker_processes_with_the_specs_operation_count(tmp_path: Path) -> None:
    """The job runs in a forked worker (the CLI's always do, so that a second Ctrl-C can kill them): its stateless
    lines reach the parent and count its spec's operations and the requests sent."""
    from cognitive_conformance.conformance.spec import Spec

    exe = Path(sys.executable).with_name("conformance")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_")}
    proc = subprocess.run([str(exe), "run", "--service", "speaker", "--phase", "stateless", "--max-examples", "1",
                           "-v", "--report-dir", str(tmp_path)], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for service, version in (("speaker", "2021-09-05"),):
        total = len(Spec(service, version, "observed").operations())
        steps = re.findall(rf"^{service}@{version} stateless: (\d+)/(\d+) operations, (\d+) requests", proc.stderr, re.M)
        assert [int(d) for d, _, _ in steps] == list(range(total + 1)), steps  # each operation as it starts, then the end
        assert {int(t) for _, t, _ in steps} == {total}
        requests = [int(r) for _, _, r in steps]
        assert requests == sorted(requests) and requests[-1] > 0
        done = re.search(rf"^{service}@{version} stateless: done, {total}/{total} operations, (\d+) requests", proc.stderr, re.M)
        assert done and int(done.group(1)) == requests[-1], "the last progress line and the phase's end agree"
