"""Fixtures for the Custom Voice emulator tests: a TestClient on a ManualClock and small synthetic audio."""

from __future__ import annotations

import functools
import warnings
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, ManualClock, create_app

H = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}
V = {"api-version": "2024-02-01-preview"}


@functools.cache
def speech(speaker: int, seed: int, duration_s: float = 2.0) -> bytes:
    """``duration_s`` of synthetic speech (16 kHz 16-bit mono WAV) by ``strategies.audio.SPEAKERS[speaker]``."""
    from cognitive_conformance.strategies.audio import SPEAKERS, synthesize

    return synthesize(speaker=SPEAKERS[speaker], duration_s=duration_s, seed=seed)


class Voice:
    """A TestClient over a fresh emulator (training_seconds=10, ManualClock) with helpers for the flow."""

    def __init__(self, **config: Any) -> None:
        self.clock = config.pop("clock", None) or ManualClock()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.client = TestClient(
                create_app(EmulatorConfig(clock=self.clock, training_seconds=10, **config)),
                raise_server_exceptions=False,
            )

    def call(self, method: str, path: str, *, params: dict | None = None, headers: dict | None = None, **kw: Any) -> Any:
        return self.client.request(
            method, f"/customvoice{path}", params={**V, **(params or {})}, headers={**H, **(headers or {})}, **kw
        )

    def project(self, pid: str = "proj", kind: str = "PersonalVoice") -> Any:
        return self.call("PUT", f"/projects/{pid}", json={"description": None, "kind": kind})

    def consent(self, cid: str = "cons", pid: str = "proj", audio: bytes | None = None, **headers: str) -> Any:
        fields = {"projectId": pid, "voiceTalentName": "Jessica Smith", "companyName": "Contoso", "locale": "en-US"}
        files = [("audiodata", ("consent.wav", audio if audio is not None else speech(0, 1), "audio/wav"))]
        return self.call("POST", f"/consents/{cid}", data=fields, files=files, headers=headers)

    def voice(self, vid: str = "pv1", pid: str = "proj", cid: str = "cons", audios: list[bytes] | None = None,
              field: str = "audiodata", **headers: str) -> Any:
        files = [(field, (f"s{i}.wav", a, "audio/wav")) for i, a in enumerate(audios or [speech(0, 2)])]
        return self.call("POST", f"/personalvoices/{vid}", data={"projectId": pid, "consentId": cid}, files=files, headers=headers)

    def ready(self) -> None:
        """A PersonalVoice project and a Succeeded consent ``cons`` of speaker 0."""
        assert self.project().status_code == 201
        assert self.consent().status_code == 201
        self.clock.advance(10)
        assert self.call("GET", "/consents/cons").json()["status"] == "Succeeded"


@pytest.fixture
def cv() -> Voice:
    return Voice()
