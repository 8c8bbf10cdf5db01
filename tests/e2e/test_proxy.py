"""``conformance proxy`` over real HTTP: the installed console script in front of the embedded emulator.

A real client (the unmodified ``azure-ai-vision-face`` SDK, then a hand-written httpx client) talks to
the proxy on loopback; SIGINT ends the proxy, which writes the reports and the HAR. Every wait is bounded.

The findings the reports list come from ``conformance.traffic`` (the traffic judge), the same
rules ``conformance validate`` and ``conformance run`` apply.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import face_image_bytes

pytestmark = pytest.mark.e2e
KEY = "pr0xy7e5tk3y000000000000000000aa"


class _Proxy:
    def __init__(self, proc: subprocess.Popen[str], url: str, lines: list[str], errors: list[str]) -> None:
        self.proc, self.url, self.lines, self.errors = proc, url, lines, errors

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[callable]:
    started: list[_Proxy] = []

    def start(*extra: str) -> _Proxy:
        exe = Path(sys.executable).parent / "conformance"
        assert exe.exists(), f"the console script is not installed next to {sys.executable}"
        proc = subprocess.Popen(
            [exe, "proxy", "--listen", "127.0.0.1:0", "--key", KEY, "--report-dir", str(tmp_path / "reports"),
             "--har", str(tmp_path / "traffic.har"), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        lines: list[str] = []
        errors: list[str] = []
        threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
        threading.Thread(target=lambda: errors.extend(proc.stderr), daemon=True).start()
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and proc.poll() is None:
            match = next((re.search(r"proxy listening on (http://127\.0\.0\.1:\d+) -> (http://\S+)", l) for l in lines), None)
            if match:
                p = _Proxy(proc, match.group(1), lines, errors)
                started.append(p)
                return p
            time.sleep(0.05)
        proc.kill()
        raise AssertionError(f"the proxy did not start: {''.join(lines)} {''.join(errors)}")

    yield start
    for p in started:
        if p.proc.poll() is None:
            p.proc.kill()
            p.proc.wait(timeout=10)


def _har(path: Path) -> list[dict]:
    text = path.read_text()
    assert KEY not in text
    log = json.loads(text)["log"]
    assert log["version"] == "1.2" and log["creator"]["name"] == "cognitive-conformance"
    for entry in log["entries"]:
        assert {"startedDateTime", "time", "request", "response", "cache", "timings"} <= set(entry)
    return log["entries"]


def test_the_face_sdk_through_the_proxy_is_recorded_and_judged(proxy, tmp_path: Path) -> None:
    from azure.ai.vision.face import FaceAdministrationClient
    from azure.ai.vision.face.models import FaceOperationStatus
    from azure.core.credentials import AzureKeyCredential

    p = proxy()
    groups = FaceAdministrationClient(endpoint=p.url, credential=AzureKeyCredential(KEY)).large_person_group
    gid = "proxy-sdk-group"
    groups.create(gid, name="through the proxy", recognition_model="recognition_04")
    person = groups.create_person(gid, name="Bill")
    groups.add_face(gid, person.person_id, face_image_bytes())
    urls: list[str] = []
    poller = groups.begin_train(gid, polling_interval=0.1, raw_response_hook=lambda r: urls.append(r.http_request.url))
    assert poller.result(timeout=30) is None
    # the SDK polled the group's /training (where the emulator, as the real service, links train) through the proxy
    assert [u for u in urls if "/training" in u] and all(u.startswith(p.url) for u in urls)
    assert groups.get_training_status(gid).status == FaceOperationStatus.SUCCEEDED
    groups.delete(gid)

    code = p.stop()
    out = "".join(p.lines) + "".join(p.errors)
    assert "Traceback" not in out and KEY not in out
    entries = _har(tmp_path / "traffic.har")
    calls = [(e["request"]["method"], e["request"]["url"].split("/face/v1.2-preview.1/")[-1].split("?")[0]) for e in entries]
    assert ("PUT", f"largepersongroups/{gid}") in calls and ("POST", f"largepersongroups/{gid}/train") in calls
    assert ("DELETE", f"largepersongroups/{gid}") in calls and ("GET", f"largepersongroups/{gid}/training") in calls
    train = next(e for e in entries if e["request"]["url"].endswith("/train"))
    location = next(h["value"] for h in train["response"]["headers"] if h["name"] == "operation-location")
    assert not location.startswith(p.url)  # recorded as the target sent it, before rewriting
    add_face = next(e for e in entries if "/persistedfaces" in e["request"]["url"] and e["request"]["method"] == "POST")
    assert add_face["request"]["postData"]["_encoding"] == "base64"  # the image went through as binary
    data = json.loads((tmp_path / "reports" / "conformance.json").read_text())
    assert KEY not in json.dumps(data)
    assert code == 0, out
    assert data["result"]["conformant"] is True
    # The HAR the proxy wrote is recorded traffic that `conformance validate` accepts: the same verdict.
    validated = subprocess.run(
        [str(Path(sys.executable).parent / "conformance"), "validate", str(tmp_path / "traffic.har"),
         "--report-dir", str(tmp_path / "validated")], capture_output=True, text=True, timeout=120,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    again = json.loads((tmp_path / "validated" / "conformance.json").read_text())
    assert len(again["lros"]) == len(data["lros"]) >= 1


def test_polling_after_the_terminal_status_is_reported(proxy, tmp_path: Path) -> None:
    p = proxy("--min-poll-interval", "0.05")
    headers = {"Ocp-Apim-Subscription-Key": KEY}
    base = f"{p.url}/face/v1.2/largepersongroups/proxy-overpoll"
    with httpx.Client(headers=headers, timeout=10) as client:
        assert client.put(base, json={"name": "over-polled"}).status_code == 200
        person = client.post(f"{base}/persons", json={"name": "Ada"}).json()["personId"]
        face = client.post(f"{base}/persons/{person}/persistedfaces", content=face_image_bytes(),
                           headers={"Content-Type": "application/octet-stream"})
        assert face.status_code == 200, face.text
        assert client.post(f"{base}/train").status_code == 202
        statuses: list[str] = []
        for _ in range(100):  # bounded: 0.3 s training, polled every 0.1 s
            statuses.append(client.get(f"{base}/training").json()["status"])
            if statuses[-1] in ("succeeded", "failed"):
                break
            time.sleep(0.1)
        assert statuses[-1] == "succeeded", statuses
        for _ in range(3):  # the defect under test: polls after the terminal status
            time.sleep(0.06)
            client.get(f"{base}/training")
        client.delete(base)

    code = p.stop()
    out = "".join(p.lines) + "".join(p.errors)
    assert "Traceback" not in out and KEY not in out
    reads = [e for e in _har(tmp_path / "traffic.har") if e["request"]["url"].endswith("/training")]
    assert len(reads) == len(statuses) + 3
    data = json.loads((tmp_path / "reports" / "conformance.json").read_text())
    checks = {f["check"] for f in data["findings"]}
    assert "lro_polling_cost" in checks, data["findings"]
    assert "lro_polling_cost" in "".join(p.errors)  # printed as it was found
    assert code == 1  # a client that polls after terminal fails (lro_polling_cost is an error)
