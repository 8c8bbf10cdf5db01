"""Preflight: a wrong key, a page that is not the API, or a bad URL fails fast with one reason."""

from __future__ import annotations

import httpx
import pytest

from cognitive_conformance.conformance.preflight import PreflightError, TargetUrlError, check_target, normalise_target

PLAN = {"face": ("v1.2",), "speaker": ("2021-09-05",)}
KEY = "k-0123456789abcdef"


def _client(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def _api(request: httpx.Request) -> httpx.Response:
    if request.headers.get("Ocp-Apim-Subscription-Key") != KEY:
        return httpx.Response(401, json={"error": {"code": "401", "message": "Access denied"}})
    return httpx.Response(200, json=[] if "/face/" in request.url.path else {"profiles": []})


def test_a_target_that_is_the_api_and_takes_the_key_passes_and_is_asked_cheap_reads_only() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _api(request)

    check_target("https://r.test", KEY, PLAN, client=_client(handler))
    assert {r.method for r in seen} == {"GET"}
    assert [str(r.url) for r in seen[:2]] == ["https://r.test/face/v1.2/persongroups?top=1"] * 2
    assert seen[2].url.params["api-version"] == "2021-09-05" and seen[2].url.params["maxpagesize"] == "1"
    assert [r.headers.get("Ocp-Apim-Subscription-Key") for r in seen] == [KEY, None, KEY, None]


def test_a_wrong_key_is_named_as_such() -> None:
    with pytest.raises(PreflightError, match=r"the key is refused \(face v1.2: GET /face/v1.2/persongroups answered 401"):
        check_target("https://r.test", "wrong", PLAN, client=_client(_api))


def test_an_html_page_is_not_the_api() -> None:
    page = lambda r: httpx.Response(200, text="<html>hello</html>", headers={"content-type": "text/html"})  # noqa: E731
    with pytest.raises(PreflightError, match=r"not the API .*200 \(text/html\), not JSON"):
        check_target("https://r.test", KEY, PLAN, client=_client(page))


def test_a_404_for_a_documented_path_is_not_the_api() -> None:
    with pytest.raises(PreflightError, match="is --target the resource endpoint"):
        check_target("https://r.test", KEY, PLAN, client=_client(lambda r: httpx.Response(404, json={"error": {}})))


def test_a_redirect_is_not_followed_and_is_named() -> None:
    moved = lambda r: httpx.Response(302, headers={"location": "https://login.example/"})  # noqa: E731
    with pytest.raises(PreflightError, match="redirects to https://login.example/"):
        check_target("https://r.test", KEY, PLAN, client=_client(moved))


def test_an_unreachable_host_is_named_without_the_key() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"refused while sending {KEY}")

    with pytest.raises(PreflightError, match="target unreachable") as info:
        check_target("https://r.test", KEY, PLAN, client=_client(refuse))
    assert KEY not in str(info.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("myres.cognitiveservices.azure.com", r"has no scheme; did you mean https://myres.cognitiveservices.azure.com"),
        ("https://myres.cognitiveservices.azure.com/face/v1.2", r"has a path or query; give the resource endpoint only: https://myres"),
        ("https://myres.example/?x=1", "has a path or query"),
        ("ftp://myres.example", "not an http"),
        ("https://user:pw@myres.example", "must not carry credentials"),
        ("   ", "is empty"),
    ],
)
def test_a_target_url_that_is_not_an_endpoint_is_refused_with_the_fix(url: str, message: str) -> None:
    with pytest.raises(TargetUrlError, match=message):
        normalise_target(url)


def test_an_endpoint_url_is_kept_without_its_trailing_slash() -> None:
    assert normalise_target(" https://myres.cognitiveservices.azure.com/ ") == "https://myres.cognitiveservices.azure.com"
    assert normalise_target("http://127.0.0.1:5000") == "http://127.0.0.1:5000"
