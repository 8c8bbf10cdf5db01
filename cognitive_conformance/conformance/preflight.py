"""Preflight: before any test, make sure the target is the API and the key works.

A live run costs money and quota, and a wrong target or key would otherwise run the whole
suite and end in a wall of findings. :func:`check_target` validates the URL itself (an absolute
``http``/``https`` URL of the resource endpoint, without a path, query or credentials), then
sends, per selected service, the read-only list operation its pack names
(``Pack.probe_operation``) twice: once with the key and once without. It fails fast, with one
line saying why, when:

* the host cannot be reached (refused, DNS, TLS, timeout);
* the authenticated read is refused (401/403: a wrong key, or a key of another resource);
* the answer is not the API (not JSON, e.g. an HTML page; a 404 for a documented path;
  a redirect elsewhere).

An unauthenticated read that is *accepted* is not a preflight failure: the auth rules judge
it and report it. Each read has a short timeout so the whole preflight ends within seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from cognitive_conformance.conformance import spec as spec_module
from cognitive_conformance.conformance.packs import get_pack
from cognitive_conformance.conformance.transport import AUTHORIZATION, KEY_HEADER, redact

__all__ = ["PreflightError", "TargetUrlError", "check_target", "normalise_target"]

_TIMEOUT_S = 4.0


class TargetUrlError(ValueError):
    """The ``--target`` value is not a usable endpoint URL (a usage error, with the fix)."""


class PreflightError(ConnectionError):
    """The target is unusable: unreachable, refusing the key, or not the API."""


def normalise_target(url: str) -> str:
    """The endpoint URL without a trailing slash; raises :class:`TargetUrlError` with the fix."""
    text = url.strip()
    if not text:
        raise TargetUrlError("--target is empty; give the resource endpoint, e.g. https://<resource>.cognitiveservices.azure.com")
    if "://" not in text:
        raise TargetUrlError(
            f"--target {text!r} has no scheme; did you mean https://{text.rstrip('/')} ? "
            "(give the full endpoint URL as shown in the Azure portal)"
        )
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise TargetUrlError(f"--target {text!r} is not an http(s) URL of a host")
    if parts.username or parts.password:
        raise TargetUrlError("--target must not carry credentials; pass the key with --key or CONFORMANCE_KEY")
    if parts.path.strip("/") or parts.query or parts.fragment:
        base = f"{parts.scheme}://{parts.netloc}"
        raise TargetUrlError(
            f"--target {text!r} has a path or query; give the resource endpoint only: {base} "
            "(the checker adds /face/..., /speaker-recognition/..., /customvoice/... itself)"
        )
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class _Probe:
    service: str
    version: str
    url: str
    params: dict[str, str]


def _probes(plan: dict[str, tuple[str, ...]], target: str) -> Iterable[_Probe]:
    for service, versions in plan.items():
        pack = get_pack(service)
        if pack.probe_operation is None:
            continue
        version = versions[-1]
        spec = spec_module.Spec(service, version)
        operation = spec.operation(pack.probe_operation)
        params = dict(pack.probe_query)
        if spec.document.get("info", {}).get("x-api-version-in") == "query":
            params["api-version"] = version
        yield _Probe(service, version, target + operation.path, params)


def _describe(response: httpx.Response) -> str:
    ctype = response.headers.get("content-type", "no content type").split(";")[0]
    return f"{response.status_code} ({ctype})"


def check_target(
    target: str,
    key: str | None,
    plan: dict[str, tuple[str, ...]],
    *,
    client: httpx.Client | None = None,
    extra_headers: dict[str, str] | None = None,
    auth: str = "key",
    verify: object = True,
    pace: Callable[[], object] | None = None,
) -> None:
    """Probe each planned service; raise :class:`PreflightError` with a one-line reason.

    With ``auth="aad"``, ``key`` is a bearer token: the keyed read sends ``Authorization: Bearer``,
    the unauthenticated one sends no credential at all. ``verify`` is httpx's TLS verification;
    ``pace`` (the run's rate limiter) is called before each read, so the preflight keeps to ``--rate-limit``.
    """
    own = client is None
    http = client or httpx.Client(timeout=_TIMEOUT_S, follow_redirects=False, verify=verify, trust_env=True)
    secrets = [key] if key else []
    credential = "the Microsoft Entra ID token (--auth aad)" if auth == "aad" else "the key"
    fix = (
        "check CONFORMANCE_TOKEN or the identity DefaultAzureCredential found, its role on the resource "
        "(e.g. Cognitive Services User) and that --target is the resource's custom-domain endpoint"
        if auth == "aad"
        else "check --key / CONFORMANCE_KEY and that the key belongs to this resource"
    )
    try:
        for probe in _probes(plan, target):
            where = f"{probe.service} {probe.version}: GET {urlsplit(probe.url).path}"
            headers = dict(extra_headers or {})
            if key:
                headers.update({AUTHORIZATION: f"Bearer {key}"} if auth == "aad" else {KEY_HEADER: key})
            try:
                if pace:
                    pace()
                authed = http.get(probe.url, params=probe.params, headers=headers)
                if pace:
                    pace()
                anonymous = http.get(probe.url, params=probe.params, headers=dict(extra_headers or {}))
            except httpx.TransportError as exc:
                if "CERTIFICATE_VERIFY_FAILED" in str(exc) or "SSL" in type(exc).__name__:
                    raise PreflightError(
                        redact(f"TLS certificate verification failed ({where}): {exc}; if the target's certificate is "
                               "signed by a private CA, pass it with --ca-bundle PEM", secrets)
                    ) from None
                raise PreflightError(redact(f"target unreachable ({where}): {exc!r}", secrets)) from None
            if authed.is_redirect:
                location = authed.headers.get("location", "?")
                raise PreflightError(f"not the API ({where}): it redirects to {location}")
            if authed.status_code in (401, 403):
                raise PreflightError(f"{credential} is refused ({where} answered {_describe(authed)}): {fix}")
            if authed.status_code == 404:
                raise PreflightError(f"not the API ({where} answered {_describe(authed)}): is --target the resource endpoint?")
            try:
                body = authed.json()
            except ValueError:
                raise PreflightError(f"not the API ({where} answered {_describe(authed)}, not JSON)") from None
            if authed.status_code >= 500:
                raise PreflightError(f"the target fails ({where} answered {_describe(authed)}): try again later")
            if not isinstance(body, (dict, list)):
                raise PreflightError(f"not the API ({where} answered {_describe(authed)} with a JSON {type(body).__name__})")
            if anonymous.status_code < 400 and "json" not in anonymous.headers.get("content-type", ""):
                raise PreflightError(f"not the API ({where} without a key answered {_describe(anonymous)})")
    finally:
        if own:
            http.close()
