"""The Speech SDK's voice-profile client, unmodified, against the default emulator over plain HTTP on loopback.

``azure-cognitiveservices-speech==1.46.0`` (the last release whose native core still has the speaker-recognition
API; its Python layer never had a ``VoiceProfileClient``: ``speech_voice_profiles.py`` says how it is reached).
The flow is the quickstart's: create a text-independent identification profile, enroll until an enrollment's
result is ``EnrolledVoiceProfile`` (``while (reason == ResultReason::EnrollingVoiceProfile)``), identify among
two enrolled profiles, delete
(https://learn.microsoft.com/en-us/azure/ai-services/speech-service/get-started-speaker-recognition?pivots=programming-language-cpp).

Where the SDK connects: the voice-profile requests go to the scheme's default port of the configured host, for
``SpeechConfig(host=...)`` and ``SpeechConfig(endpoint=...)`` alike: a port (and a path) in either is dropped
(``http://127.0.0.1:5000`` is called as ``http://127.0.0.1/speaker-recognition/...``). So the emulator listens
on port 80 of a loopback address of its own (127.0.0.0/8 is all loopback on Linux); binding port 80 needs root
or CAP_NET_BIND_SERVICE, and the tests skip, saying so, where neither is given. Over HTTPS the SDK calls port 443:
the emulator's ``--ssl-certfile`` with a certificate of a local CA works once the SDK trusts that CA
(``OPENSSL_SINGLE_TRUSTED_CERT``) and is told not to fetch revocation lists (``OPENSSL_SINGLE_TRUSTED_CERT_CRL_CHECK``
false): 1.46.0 checks revocation online and fails the handshake where it cannot.
"""

from __future__ import annotations

import json
import random
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, running
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize
from tests.e2e.emulator_proc import emulator

pytestmark = pytest.mark.e2e

speechsdk = pytest.importorskip("azure.cognitiveservices.speech")
from tests.e2e import speech_voice_profiles as vp  # noqa: E402  (after the import check)

PROFILES = "/speaker-recognition/identification/text-independent/profiles"
_MAX_ENROLLMENTS = 10


@pytest.fixture(scope="module")
def sdk_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The default emulator on ``http://127.x.y.z`` (port 80), with its request log."""
    if not vp.native_api_present():
        pytest.skip(f"azure-cognitiveservices-speech {speechsdk.__version__} has no speaker-recognition API (1.46.0 is the last)")
    log = tmp_path_factory.mktemp("speech-sdk") / "requests.jsonl"
    host = _free_loopback(80)
    with running(EmulatorConfig(request_log=str(log)), host=host, port=80) as url:
        assert url == f"http://{host}:80"
        yield f"http://{host}", log


def _wav(tmp_path: Path, name: str, speaker: int, seed: int, seconds: float = 6.0) -> "speechsdk.audio.AudioConfig":
    path = tmp_path / f"{name}.wav"
    path.write_bytes(synthesize(speaker=SPEAKERS[speaker], duration_s=seconds, speech_ratio=0.85, snr_db=30.0, seed=seed))
    return speechsdk.audio.AudioConfig(filename=str(path))


def _enroll_until_enrolled(client: "vp.VoiceProfileClient", profile: "vp.VoiceProfile", tmp_path: Path, speaker: int) -> list["vp.Result"]:
    """The SDK samples' loop: enroll while the result says EnrollingVoiceProfile (bounded here)."""
    results = []
    reason = speechsdk.ResultReason.EnrollingVoiceProfile
    while reason == speechsdk.ResultReason.EnrollingVoiceProfile:
        assert len(results) < _MAX_ENROLLMENTS, [r.body for r in results]
        result = client.enroll_profile(profile, _wav(tmp_path, f"enroll-{speaker}-{len(results)}", speaker, seed=len(results)))
        results.append(result)
        reason = result.reason
    return results


def _free_loopback(port: int) -> str:
    """A loopback address whose ``port`` can be bound here, or skip saying why."""
    rng = random.Random()
    last: OSError | None = None
    for _ in range(5):
        host = f"127.{rng.randrange(64, 250)}.{rng.randrange(0, 250)}.{rng.randrange(2, 250)}"
        probe = socket.socket()
        try:
            probe.bind((host, port))
            return host
        except PermissionError as exc:
            pytest.skip(f"the Speech SDK calls port {port} only, and binding it needs root or CAP_NET_BIND_SERVICE ({exc})")
        except OSError as exc:
            last = exc
        finally:
            probe.close()
    pytest.skip(f"no loopback address had port {port} free ({last})")


def _requests(log: Path) -> list[tuple[str, str, int]]:
    return [(e["method"], e["path"], e["status"]) for e in map(json.loads, log.read_text().splitlines())]


@pytest.mark.parametrize("form", ["host", "endpoint"])
def test_voice_profile_client_enrolls_until_enrolled_and_identifies(form: str, sdk_emulator: tuple[str, Path], tmp_path: Path) -> None:
    base_url, log = sdk_emulator
    config = speechsdk.SpeechConfig(**{form: base_url, "subscription": DEFAULT_KEY})
    client = vp.VoiceProfileClient(config)
    profiles = []
    before = len(_requests(log))
    try:
        for speaker in (0, 3):
            profile = client.create_profile("en-us")
            profiles.append(profile)
            results = _enroll_until_enrolled(client, profile, tmp_path, speaker)
            # 6 s clips of 85 % speech: four reach the 20 s, and the fourth answers Enrolled itself.
            statuses = [r.body["enrollmentStatus"] for r in results]
            assert statuses == ["Enrolling"] * (len(results) - 1) + ["Enrolled"], statuses
            assert results[-1].reason == speechsdk.ResultReason.EnrolledVoiceProfile
            assert len(results) == 4 and results[-1].body["remainingEnrollmentsSpeechLengthInSec"] == 0
            assert results[-1].body["enrollmentsCount"] == 4 and results[-1].body["profileId"] == profile.profile_id
        for speaker, expected in ((0, profiles[0]), (3, profiles[1])):
            result = vp.identify(config, _wav(tmp_path, f"query-{speaker}", speaker, seed=99), profiles)
            assert result.reason == speechsdk.ResultReason.RecognizedSpeakers, result.json_text
            assert result.body["identifiedProfile"]["profileId"] == expected.profile_id
        for profile in profiles:
            assert client.delete_profile(profile).reason == speechsdk.ResultReason.DeletedVoiceProfile
        again = client.delete_profile(profiles[0])
        assert again.reason == speechsdk.ResultReason.Canceled and again.body["error"]["code"] == "NotFound"
    finally:
        for profile in profiles:
            profile.close()
        client.close()
    ids = {profiles[0].profile_id: "{a}", profiles[1].profile_id: "{b}"}
    mine = [(m, "/".join(ids.get(part, part) for part in p.split("/")), s) for m, p, s in _requests(log)[before:]]
    assert len(mine) == 2 + 8 + 2 + 3
    assert mine[:5] == [("POST", f"{PROFILES}/", 201)] + [("POST", f"{PROFILES}/{{a}}/enrollments", 201)] * 4
    assert ("POST", f"{PROFILES}:identifySingleSpeaker", 200) in mine
    assert mine[-1] == ("DELETE", f"{PROFILES}/{{a}}", 404)


def test_identify_before_enrolled_is_a_canceled_result_with_the_service_error(sdk_emulator: tuple[str, Path], tmp_path: Path) -> None:
    base_url, _ = sdk_emulator
    config = speechsdk.SpeechConfig(host=base_url, subscription=DEFAULT_KEY)
    client = vp.VoiceProfileClient(config)
    profile = client.create_profile("en-us")
    try:
        first = client.enroll_profile(profile, _wav(tmp_path, "one", 5, seed=1))
        assert first.reason == speechsdk.ResultReason.EnrollingVoiceProfile and first.body["enrollmentStatus"] == "Enrolling"
        result = vp.identify(config, _wav(tmp_path, "query", 5, seed=2), [profile])
        assert result.reason == speechsdk.ResultReason.Canceled
        assert result.body["error"] == {"code": "InvalidRequest", "message": "Profile is not enrolled."}
        assert client.delete_profile(profile).reason == speechsdk.ResultReason.DeletedVoiceProfile
    finally:
        profile.close()
        client.close()


def _local_ca(tmp_path: Path, host: str) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for the IP ``host`` signed by it (openssl command line)."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make a certificate")
    ca, ca_key, leaf, leaf_key, csr, ext = (tmp_path / n for n in ("ca.pem", "ca.key", "leaf.pem", "leaf.key", "leaf.csr", "ext.cnf"))
    run = lambda *args: subprocess.run(["openssl", *args], check=True, capture_output=True)  # noqa: E731
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca), "-days", "1", "-subj", "/CN=local test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(leaf_key), "-out", str(csr), "-subj", f"/CN={host}")
    ext.write_text(f"subjectAltName=IP:{host}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial", "-out", str(leaf), "-days", "1", "-extfile", str(ext))
    return ca, leaf, leaf_key


def test_over_https_on_port_443_with_a_local_ca(tmp_path: Path) -> None:
    if not vp.native_api_present():
        pytest.skip(f"azure-cognitiveservices-speech {speechsdk.__version__} has no speaker-recognition API (1.46.0 is the last)")
    host = _free_loopback(443)
    ca, leaf, key = _local_ca(tmp_path, host)
    with emulator("--host", host, "--port", "443", "--ssl-certfile", str(leaf), "--ssl-keyfile", str(key)) as url:
        assert url == f"https://{host}:443"
        config = speechsdk.SpeechConfig(host=f"https://{host}", subscription=DEFAULT_KEY)
        config.set_property_by_name("OPENSSL_SINGLE_TRUSTED_CERT", ca.read_text())
        with pytest.raises(RuntimeError, match="HTTPAPI_OPEN_REQUEST_FAILED"):  # revocation cannot be checked offline
            vp.VoiceProfileClient(config).create_profile("en-us")
        config.set_property_by_name("OPENSSL_SINGLE_TRUSTED_CERT_CRL_CHECK", "false")
        client = vp.VoiceProfileClient(config)
        profile = client.create_profile("en-us")
        try:
            results = _enroll_until_enrolled(client, profile, tmp_path, speaker=2)
            assert [r.body["enrollmentStatus"] for r in results][-1] == "Enrolled" and len(results) == 4
            assert client.delete_profile(profile).reason == speechsdk.ResultReason.DeletedVoiceProfile
        finally:
            profile.close()
            client.close()
