"""conformance.recordings: recording files read into the checker's ResponseRecords.

The shipped files are described in tests/reference/recordings/README.md; the entry indices used
here are the ones its list of behaviours cites.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest

import cognitive_conformance.conformance.recordings as recordings_module
from cognitive_conformance.conformance.recordings import (
    FORMATS,
    PLACEHOLDER_BASE,
    RecordingError,
    detect_format,
    read_recording,
    read_recordings,
)
from cognitive_conformance.conformance.transport import REDACTED, origin_of

ROOT = Path(__file__).resolve().parents[3]
RECORDINGS = ROOT / "tests" / "reference" / "recordings"
FACE = RECORDINGS / "face"
PPG = FACE / "v1.2-preview.1/test-proxy-python/test_identify.pyTestIdentifytest_identify_from_person_group.elided.json"
V = FACE / "v1.0/vcrpy/test_snapshot.yaml"
NLPG = FACE / "v1.0/net-sessionrecords/FaceSnapshotTestLargePersonGroup.elided.json"
NPG = FACE / "v1.0-preview/net-sessionrecords/FaceSnapshotTestPersonGroup.elided.json"
JPD = FACE / "v1.2-preview.1/test-proxy-js/recording_createdynamicpersongroupwithperson.json"

# file -> (format, number of entries). The README's tables and behaviours name the entries: e.g. [V]
# cites interactions 0..9 of its 13, [PPG] entries 0..12 of its 15 (detect, group, 4 persons + faces,
# train, 2 status reads, identify, delete), the tails "the last 5 entries".
SHIPPED = {
    "largefacelist-train-findsimilar.v1.2-preview.1.tail.json": ("test-proxy", 5),
    "persondirectory-create-dynamic-person-group.v1.2-preview.1.json": ("test-proxy", 10),
    "pg-train-identify.v1.2-preview.1.tail.json": ("test-proxy", 5),
    "v1.0-preview/net-sessionrecords/FaceSnapshotTestPersonGroup.elided.json": ("session-records", 20),
    "v1.0/net-sessionrecords/FaceSnapshotTestLargeFaceList.elided.json": ("session-records", 16),
    "v1.0/net-sessionrecords/FaceSnapshotTestLargePersonGroup.elided.json": ("session-records", 18),
    "v1.0/vcrpy/test_snapshot.yaml": ("vcr", 13),
    "v1.2-preview.1/test-proxy-js/recording_createdynamicpersongroup.json": ("test-proxy", 4),
    "v1.2-preview.1/test-proxy-js/recording_createdynamicpersongroupwithperson.json": ("test-proxy", 10),
    "v1.2-preview.1/test-proxy-python/test_identify.pyTestIdentifytest_identify_from_large_person_group.elided.json": ("test-proxy", 15),
    "v1.2-preview.1/test-proxy-python/test_identify.pyTestIdentifytest_identify_from_person_group.elided.json": ("test-proxy", 15),
}


def _write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _proxy_entry(url: str, *, status: int = 200, request_headers: dict | None = None, response_headers: dict | None = None,
                 request_body: object = None, response_body: object = None, method: str = "GET") -> dict:
    return {
        "RequestUri": url,
        "RequestMethod": method,
        "RequestHeaders": request_headers or {},
        "RequestBody": request_body,
        "StatusCode": status,
        "ResponseHeaders": response_headers or {},
        "ResponseBody": response_body,
    }


# ----------------------------------------------------------------------------------------------- shipped files


def test_every_shipped_recording_is_listed_here() -> None:
    shipped = {p.relative_to(FACE).as_posix() for p in FACE.rglob("*") if p.is_file()}
    assert shipped == set(SHIPPED)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_recording_reads_with_its_format_and_entry_count(name: str) -> None:
    fmt, count = SHIPPED[name]
    recording = read_recording(FACE / name)
    assert detect_format(FACE / name) == fmt
    assert recording.format == fmt
    assert [e.index for e in recording.entries] == list(range(count))
    assert recording.timed is True  # every shipped entry has a Date header
    assert recording.path == str(FACE / name)
    assert (recording.origin is None) == (fmt == "session-records")


def test_train_operation_location_is_normalised_onto_the_request_origin() -> None:
    recording = read_recording(PPG)
    train = recording.entries[10].record
    assert train.request.method == "POST"
    assert train.request.url.endswith("/face/v1.2-preview.1/persongroups/identify/train")
    assert train.status_code == 202
    location = train.header("operation-location")
    # recorded as https://fakeendpoint.cognitiveservices.azure.com/..., the request went to Sanitized...
    assert location == "https://Sanitized.cognitiveservices.azure.com/face/v1.2-preview.1/persongroups/identify/training"
    assert origin_of(location) == origin_of(train.request.url) == recording.origin
    assert recording.origin == "https://sanitized.cognitiveservices.azure.com:443"
    assert train.body == b""
    assert train.header("access-control-expose-headers") == "Operation-Location"  # names lower-cased


def test_first_training_status_read_is_running_json() -> None:
    status = read_recording(PPG).entries[11].record
    assert status.json()["status"] == "running"
    assert status.content_type == "application/json"


def test_python_sdk_polled_thirty_seconds_apart() -> None:
    entries = read_recording(PPG).entries
    assert entries[12].record.sent_at - entries[11].record.sent_at == 30.0
    assert entries[11].record.sent_at == 1725378997.0  # Tue, 03 Sep 2024 15:56:37 GMT
    assert entries[12].record.json()["status"] == "succeeded"
    assert entries[11].record.elapsed_s == 0.0


def test_elided_upload_body_is_kept_as_its_text() -> None:
    detect = read_recording(PPG).entries[0].record
    assert detect.request.body.startswith(b"[ELIDED in this copy: 126312-char base64 request body")
    assert detect.request.header("Content-Type") == "application/octet-stream"
    assert isinstance(detect.json(), list)  # a JSON body stored as a string stays that text


def test_vcr_429_has_its_wait_only_in_the_message() -> None:
    recording = read_recording(V)
    throttled = recording.entries[4].record
    assert throttled.status_code == 429
    assert b"Try again in 21 seconds" in throttled.body
    assert throttled.header("retry-after") is None
    assert throttled.content_type == "application/json"
    assert recording.entries[5].record.sent_at - throttled.sent_at == 21.0
    assert recording.origin == "https://westus2.api.cognitive.microsoft.com:443"


def test_vcr_relative_operation_location_stays_relative() -> None:
    take = read_recording(V).entries[2].record
    assert take.status_code == 202
    assert take.header("operation-location") == "/operations/4ff5f990-b88b-4f46-bc9e-8eb505589bd4"


def test_session_records_have_no_origin_and_keep_the_dev_cluster_location() -> None:
    recording = read_recording(NLPG)
    assert recording.origin is None
    train = recording.entries[3].record
    assert train.request.url == PLACEHOLDER_BASE + "/face/v1.0/largepersongroups/source-large-person-group-id/train"
    assert train.status_code == 202
    assert train.header("operation-location") == (
        "http://facev1-cs-dev.cloudapp.net:8080/largepersongroups/source-large-person-group-id/training"
    )


def test_session_records_real_absolute_location_is_not_a_placeholder() -> None:
    train = read_recording(NPG).entries[3].record
    assert train.header("operation-location") == (
        "https://yache-persondirectory-test-usw2.cognitiveservices.azure.com/face/v1.0-preview/persongroups/source-person-group-id/training"
    )


def test_session_records_list_header_values_are_joined() -> None:
    add_face = read_recording(NLPG).entries[2].record
    assert add_face.request.header("User-Agent") == (
        "FxVersion/4.6.26614.01, OSName/Windows, OSVersion/Microsoft.Windows.10.0.17763., "
        "Microsoft.Azure.CognitiveServices.Vision.Face.FaceClient/2.4.0.0"
    )
    assert add_face.request.header("Ocp-Apim-Subscription-Key") == ""  # empty as recorded, not ***
    assert add_face.header("content-type") == "application/json; charset=utf-8"
    assert add_face.json() == {"persistedFaceId": "90b274a9-3e90-4d05-ac26-5729be30087c"}


def test_crlf_test_proxy_file_reads_like_its_lf_twin() -> None:
    crlf = read_recording(JPD)
    lf = read_recording(FACE / "persondirectory-create-dynamic-person-group.v1.2-preview.1.json")
    assert [e.record for e in crlf.entries] == [e.record for e in lf.entries]
    create = crlf.entries[0].record
    assert create.status_code == 202 and create.header("location") and create.json()["personId"]


# ----------------------------------------------------------------------------------------------- synthetic files


def test_har_round_trips_with_the_key_redacted(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x01binary"
    har = {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": [
        {
            "startedDateTime": "2024-09-03T15:56:37.250Z",
            "time": 125.5,
            "request": {
                "method": "POST",
                "url": "https://myface.cognitiveservices.azure.com/face/v1.2/persongroups/g1/train?subscription-key=query-secret",
                "httpVersion": "HTTP/1.1",
                "headers": [{"name": "Ocp-Apim-Subscription-Key", "value": "0123456789abcdef"},
                            {"name": "Authorization", "value": "Bearer token-secret"},
                            {"name": "Content-Type", "value": "application/json"}],
                "postData": {"mimeType": "application/json", "text": "{\"a\": 1}"},
            },
            "response": {
                "status": 202,
                "headers": [{"name": "Operation-Location", "value": "https://fakeendpoint.cognitiveservices.azure.com/face/v1.2/persongroups/g1/training"},
                            {"name": "Content-Type", "value": "image/png"}],
                "content": {"size": len(png), "mimeType": "image/png", "text": base64.b64encode(png).decode(), "encoding": "base64"},
            },
        },
        {
            "startedDateTime": "2024-09-03T17:56:38+02:00",
            "time": 20,
            "request": {"method": "GET", "url": "https://myface.cognitiveservices.azure.com/face/v1.2/persongroups/g1/training",
                        "headers": [{"name": "ocp-apim-subscription-key", "value": ""}]},
            "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json", "text": "{\"status\":\"running\"}"}},
        },
    ]}}
    path = _write_json(tmp_path / "capture.har", har)
    recording = read_recording(path)
    assert recording.format == "har" and recording.timed is True
    assert recording.origin == "https://myface.cognitiveservices.azure.com:443"
    train, status = (e.record for e in recording.entries)
    assert train.request.header("Ocp-Apim-Subscription-Key") == REDACTED
    assert train.request.header("Authorization") == REDACTED
    assert train.request.url.endswith("/train?subscription-key=***")
    assert train.request.body == b'{"a": 1}'
    assert train.body == png
    assert train.header("operation-location") == "https://myface.cognitiveservices.azure.com/face/v1.2/persongroups/g1/training"
    assert train.sent_at == 1725378997.25 and train.elapsed_s == 0.1255
    assert status.sent_at == 1725378998.0  # +02:00 taken into account
    assert status.request.header("ocp-apim-subscription-key") == ""
    assert status.json() == {"status": "running"}
    text = repr(recording)
    assert "0123456789abcdef" not in text and "token-secret" not in text and "query-secret" not in text
    # detection is by content: the same HAR named .json is still HAR
    assert detect_format(_write_json(tmp_path / "capture.json", har)) == "har"


def test_test_proxy_binary_body_is_base64_decoded_and_placeholders_rewritten(tmp_path: Path) -> None:
    wav = b"RIFF\x00\x00WAVEfmt "
    entries = [
        _proxy_entry("https://sanitized.cognitiveservices.azure.com/speaker/profiles", method="POST",
                     request_headers={"Content-Type": "audio/wav", "Ocp-Apim-Subscription-Key": "live-key"},
                     request_body=base64.b64encode(wav).decode(), status=202,
                     response_headers={"Location": "https://FakeHost.example.com/a?x=1",
                                       "Azure-AsyncOperation": "https://Sanitized.cognitiveservices.azure.com/ops/1",
                                       "Operation-Location": "https://api.fake.example.com/ops/2",
                                       "Content-Type": "application/json"},
                     response_body={"ok": True, "list": [1, 2]}),
        _proxy_entry("https://fakeendpoint.cognitiveservices.azure.com/speaker/profiles/1",
                     response_headers={"Content-Type": "text/plain"}, response_body=["line one", "line two"]),
    ]
    recording = read_recording(_write_json(tmp_path / "proxy.json", {"Entries": entries, "Variables": {}}))
    assert recording.format == "test-proxy"
    first, second = (e.record for e in recording.entries)
    assert first.request.body == wav
    assert first.request.header("Ocp-Apim-Subscription-Key") == REDACTED
    assert first.body == b'{"ok":true,"list":[1,2]}'
    assert first.header("location") == "https://sanitized.cognitiveservices.azure.com/a?x=1"
    assert first.header("azure-asyncoperation") == "https://sanitized.cognitiveservices.azure.com/ops/1"
    assert first.header("operation-location") == "https://api.fake.example.com/ops/2"  # only the first label counts
    assert second.request.url == "https://sanitized.cognitiveservices.azure.com/speaker/profiles/1"
    assert second.body == b"line one\nline two"
    assert recording.timed is False and [first.sent_at, second.sent_at] == [0.0, 0.0]


def test_missing_dates_take_the_previous_entry_time(tmp_path: Path) -> None:
    url = "https://x.example.com/a"
    entries = [_proxy_entry(url), _proxy_entry(url, response_headers={"Date": "Tue, 03 Sep 2024 15:56:37 GMT"}), _proxy_entry(url)]
    recording = read_recording(_write_json(tmp_path / "dates.json", {"Entries": entries}))
    assert recording.timed is True
    assert [e.record.sent_at for e in recording.entries] == [1725378997.0] * 3


def test_vcr_binary_body_and_list_headers(tmp_path: Path) -> None:
    payload = b"\x00\x01\x02\xff"
    cassette = tmp_path / "cassette.yml"
    cassette.write_text(
        "interactions:\n"
        "- request:\n"
        "    body: !!binary |\n"
        f"      {base64.b64encode(payload).decode()}\n"
        "    headers:\n"
        "      Authorization: [Bearer abc]\n"
        "      Accept: [application/json, text/plain]\n"
        "    method: PUT\n"
        "    uri: https://westus.api.cognitive.microsoft.com/face/v1.0/persongroups/g\n"
        "  response:\n"
        "    body:\n"
        "      string: !!binary |\n"
        f"        {base64.b64encode(payload).decode()}\n"
        "    headers:\n"
        "      Date: ['Thu, 27 Jun 2019 21:22:55 GMT']\n"
        "    status: {code: 200, message: OK}\n"
        "version: 1\n",
        encoding="utf-8",
    )
    recording = read_recording(cassette)
    record = recording.entries[0].record
    assert recording.format == "vcr"
    assert record.request.body == payload and record.body == payload
    assert record.request.header("Accept") == "application/json, text/plain"
    assert record.request.header("Authorization") == REDACTED
    assert record.sent_at == 1561670575.0


# ----------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("path", "forced", "says"),
    [(V, "har", "'log.entries'"), (NLPG, "test-proxy", "looks like .NET SessionRecords"), (PPG, "session-records", "absolute URL"), (PPG, "vcr", "interactions")],
)
def test_forced_wrong_format_raises_naming_the_file(path: Path, forced: str, says: str) -> None:
    with pytest.raises(RecordingError) as info:
        read_recording(path, format=forced)
    assert str(path) in str(info.value) and says in str(info.value)


def test_list_headers_with_absolute_urls_fit_neither_json_format(tmp_path: Path) -> None:
    entry = _proxy_entry("https://h.example.com/x", request_headers={"Accept": ["a", "b"]})
    path = _write_json(tmp_path / "hybrid.json", {"Entries": [entry]})
    assert detect_format(path) == "session-records"  # list-valued headers decide
    with pytest.raises(RecordingError, match="hybrid.json: test-proxy entry 0: RequestHeaders: header 'Accept' has a list value"):
        read_recording(path, format="test-proxy")
    with pytest.raises(RecordingError, match="hybrid.json: SessionRecords entry 0: RequestUri .* is an absolute URL"):
        read_recording(path)


def test_unknown_format_name_raises() -> None:
    with pytest.raises(RecordingError, match="unknown recording format 'pcap'"):
        read_recording(PPG, format="pcap")
    assert FORMATS == ("test-proxy", "session-records", "vcr", "har")


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"{\"Entries\": [", "not valid JSON"), (b"\xff\xfe\x00garbage", "not UTF-8"), (b"key: [unclosed", "neither JSON nor valid YAML"),
     (b"{\"hello\": 1}", "not a recording"), (b"{\"Entries\": [{\"RequestUri\": \"https://h/x\"}]}", "RequestMethod")],
)
def test_garbage_file_raises_naming_the_file(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "garbage.json"
    path.write_bytes(content)
    with pytest.raises(RecordingError) as info:
        read_recording(path)
    assert str(path) in str(info.value) and says in str(info.value)


def test_missing_file_and_explicit_readme_raise() -> None:
    with pytest.raises(RecordingError, match="nope.json: cannot be read"):
        read_recording(FACE / "nope.json")
    with pytest.raises(RecordingError, match="README.md: not a recording"):
        read_recordings([RECORDINGS / "README.md"])


def test_directory_expansion_skips_readme_and_non_recordings(tmp_path: Path) -> None:
    found = read_recordings([RECORDINGS])
    assert sorted(Path(r.path).relative_to(FACE).as_posix() for r in found) == sorted(SHIPPED)
    (tmp_path / "README.md").write_text("# notes\n", encoding="utf-8")
    (tmp_path / "assets.json").write_text('{"AssetsRepo": "Azure/azure-sdk-assets"}', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "one.har").write_text(json.dumps({"log": {"entries": []}}), encoding="utf-8")
    mixed = read_recordings([tmp_path, PPG])
    assert [(Path(r.path).name, r.format) for r in mixed] == [("one.har", "har"), (PPG.name, "test-proxy")]
    assert mixed[0].entries == () and mixed[0].origin is None and mixed[0].timed is False
    with pytest.raises(RecordingError, match="assets.json: not a recording"):
        read_recordings([tmp_path / "assets.json"])


def test_public_names_are_exported() -> None:
    assert set(recordings_module.__all__) == {
        "FORMATS", "PLACEHOLDER_BASE", "Entry", "Recording", "RecordingError", "detect_format", "read_recording", "read_recordings",
    }


# ----------------------------------------------------------------------------------------------- speed


def test_ten_megabyte_recordings_read_in_seconds(tmp_path: Path) -> None:
    body = {"status": "succeeded", "faces": [{"faceId": f"{i:08d}-0000", "rect": [1, 2, 3, 4]} for i in range(20)]}
    entry = _proxy_entry("https://sanitized.cognitiveservices.azure.com/face/v1.2/detect", method="POST",
                         request_headers={"Content-Type": "application/octet-stream"}, request_body=base64.b64encode(b"x" * 1500).decode(),
                         response_headers={"Date": "Tue, 03 Sep 2024 15:56:37 GMT", "Content-Type": "application/json"}, response_body=body)
    count = 10 * 1024 * 1024 // len(json.dumps(entry))
    proxy = _write_json(tmp_path / "big.json", {"Entries": [entry] * count})
    har_entry = {"startedDateTime": "2024-09-03T15:56:37Z", "time": 5,
                 "request": {"method": "GET", "url": "https://h.example.com/x", "headers": [{"name": "A", "value": "b"}]},
                 "response": {"status": 200, "headers": [{"name": "Content-Type", "value": "application/json"}],
                              "content": {"text": json.dumps(body)}}}
    har = _write_json(tmp_path / "big.har", {"log": {"entries": [har_entry] * (10 * 1024 * 1024 // len(json.dumps(har_entry)))}})
    assert proxy.stat().st_size > 9_000_000 and har.stat().st_size > 9_000_000
    for path in (proxy, har):
        started = time.perf_counter()
        recording = read_recording(path)
        assert time.perf_counter() - started < 5.0, path.name
        assert len(recording.entries) > 1000
