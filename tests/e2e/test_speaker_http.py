"""Speaker emulator over real HTTP: two enrollments racing on one profile -> 409, the marker is released after.

Source: API-DIGEST §2.5 (409 Conflict "Sending concurrent requests on same profile is not allowed.");
emulator/services/speaker/state.py (in-flight marker held while the body is read and analysed).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, running
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize

H = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}
V = {"api-version": "2021-09-05"}
P = "/speaker-recognition/identification/text-independent/profiles"
AUDIO = {**H, "Content-Type": "audio/wav; codecs=audio/pcm"}


def test_concurrent_enrollments_on_one_profile_conflict_and_the_first_still_succeeds() -> None:
    clip = synthesize(speaker=SPEAKERS[2], duration_s=3.0, speech_ratio=0.85, seed=7)
    started = threading.Event()
    release = threading.Event()

    def slow_body() -> Iterator[bytes]:
        yield clip[: len(clip) // 2]
        started.set()
        release.wait(10)
        yield clip[len(clip) // 2 :]

    with running(EmulatorConfig(training_seconds=0.2)) as url, httpx.Client(base_url=url, timeout=20) as client:
        pid = client.post(P, params=V, json={"locale": "en-US"}, headers=H).json()["profileId"]
        other = client.post(P, params=V, json={"locale": "en-US"}, headers=H).json()["profileId"]
        first: dict[str, httpx.Response] = {}

        def send_slow() -> None:
            with httpx.Client(base_url=url, timeout=20) as slow:
                first["r"] = slow.post(f"{P}/{pid}/enrollments", params=V, content=slow_body(), headers=AUDIO)

        thread = threading.Thread(target=send_slow)
        thread.start()
        assert started.wait(10)
        time.sleep(0.1)  # the first request's head and half its body have reached the server
        racing = client.post(f"{P}/{pid}/enrollments", params=V, content=clip, headers=AUDIO)
        deleting = client.delete(f"{P}/{pid}", params=V, headers=H)
        elsewhere = client.post(f"{P}/{other}/enrollments", params=V, content=clip, headers=AUDIO)
        release.set()
        thread.join(20)

        assert racing.status_code == 409 and racing.json()["error"]["code"] == "Conflict"
        assert racing.headers["x-ms-error-code"] == "Conflict"
        assert deleting.status_code == 409
        assert elsewhere.status_code == 201  # another profile is not blocked
        assert first["r"].status_code == 201 and first["r"].json()["enrollmentsCount"] == 1
        after = client.post(f"{P}/{pid}/enrollments", params=V, content=clip, headers=AUDIO)
        assert after.status_code == 201 and after.json()["enrollmentsCount"] == 2
