"""cognitive-conformance inside your own Schemathesis run.

Load it the way Schemathesis loads any hooks module, in the CLI::

    SCHEMATHESIS_HOOKS=cognitive_conformance.st_extension st run face.yaml --url URL -H "Ocp-Apim-Subscription-Key: KEY"

or in a test module (``import cognitive_conformance.st_extension``) before ``schemathesis.openapi.from_path``.
On import it registers, once per process:

* **media**: real face images for ``application/octet-stream`` bodies and small real 16 kHz 16-bit mono WAV
  files for ``format: binary`` multipart parts; and, once a document with a raw ``audio/wav`` request body is
  loaded (``before_load_schema``), speech clips for those bodies (:mod:`cognitive_conformance.strategies`), so
  generated requests reach the service's logic instead of failing on random bytes. The ``audio/wav`` media type
  is registered only then because, registered, Schemathesis also fills a multipart array of ``audio/wav`` parts
  (Custom Voice ``PersonalVoices_Post``) with one part without a filename. Ids need no strategy: Schemathesis
  draws them from the spec's own patterns and ``format: uuid``;
* **our response rules as Schemathesis checks**, one per error-severity rule, named ``cc_<rule>``
  (``cc_error_envelope_valid``, ``cc_status_code_documented``, … ; :data:`CHECKS`; ``conformance checks`` lists
  the rules). Schemathesis runs registered checks by default; ``-c cc_error_envelope_valid`` selects one. A
  failure is reported as "Custom check failed: `cc_<rule>`" with the rule's statement, what was received and
  documented, and the rule's source. Warning-severity rules (:data:`WARNING_CHECKS`) are not registered, since
  Schemathesis has no warnings and they never fail a ``conformance run``; pass them as ``additional_checks=``;
* **a failure filter** (``filter_failure`` hook): a ``positive_data_acceptance`` failure is dropped when the
  operation documents that exact rejection (``x-semantic-rejections``: a status and an error code, e.g. Face
  add-face 400 ``InvalidImageSize``, an image URL that cannot be downloaded), as ``conformance run`` excuses it.

The checks judge a document that ``conformance spec render`` wrote: they read the service, API version and
profile from its ``info.x-service``, ``x-api-version`` and ``x-profile`` and judge each response against that
rendered spec. For any other document, or an operation that spec does not have, a check answers "not applied"
(a check function returning ``True``, which Schemathesis counts neither as a pass nor as a failure). What a
``conformance run`` adds is not here: its ids in the run's own space, the ledger and cleanup, the flow rules and
scenarios, and the observed profile's deviation reports (a response the observed profile accepts simply passes).

Source: https://schemathesis.readthedocs.io/en/stable/guides/extending/ (``SCHEMATHESIS_HOOKS``, custom checks,
media types); https://schemathesis.readthedocs.io/en/stable/reference/hooks/ (``filter_failure``); ARCHITECTURE.md
"The checker's pieces" (response rules).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import schemathesis

from cognitive_conformance.strategies import audio, schemathesis_setup, voice
from cognitive_conformance.conformance.checks.registry import NA, Rule, all_checks, judge
from cognitive_conformance.conformance.context import CheckContext
from cognitive_conformance.conformance.spec import Operation, Spec
from cognitive_conformance.conformance.transport import AUTHORIZATION, KEY_HEADER, REDACTED, RequestRecord, ResponseRecord

__all__ = ["CHECKS", "PREFIX", "WARNING_CHECKS", "check_name", "spec_context"]

PREFIX = "cc_"
_CREDENTIALS = {KEY_HEADER.lower(), AUTHORIZATION.lower()}


def check_name(rule: str) -> str:
    """The Schemathesis check name of one of our rules (``error_envelope_valid`` -> ``cc_error_envelope_valid``)."""
    return PREFIX + rule


@functools.cache
def _spec(service: str, version: str, profile: str) -> Spec | None:
    try:
        return Spec(service, version, profile)
    except ValueError:  # not a service, version or profile of ours
        return None


def spec_context(case: Any) -> tuple[Spec, Operation | None] | None:
    """The rendered spec a case's document names (``info.x-service``, ``x-api-version``, ``x-profile``) and the
    case's operation in it (``None`` for an undeclared-method probe, as in ``conformance run``); ``None`` when the
    document was not rendered by ``conformance spec render``."""
    raw = getattr(case.operation.schema, "raw_schema", None)
    info = raw.get("info") if isinstance(raw, dict) else None
    if not isinstance(info, dict):
        return None
    service, version, profile = info.get("x-service"), info.get("x-api-version"), info.get("x-profile")
    if not all(isinstance(v, str) for v in (service, version, profile)):
        return None
    spec = _spec(service, version, profile)
    if spec is None:
        return None
    if str(case.method).upper() != str(case.operation.method).upper():
        return spec, None
    operation_id = case.operation.definition.raw.get("operationId")
    try:
        return spec, spec.operation(str(operation_id))
    except KeyError:
        return spec, None


def _record(response: Any) -> ResponseRecord:
    """Our frozen exchange record from a Schemathesis response; credential headers recorded as ``***``."""
    request = response.request
    headers = []
    for name, value in (getattr(request, "headers", None) or {}).items():
        if name.lower() in _CREDENTIALS:
            value = f"Bearer {REDACTED}" if name.lower() == "authorization" and str(value).lower().startswith("bearer ") else REDACTED
        headers.append((name, str(value)))
    body = getattr(request, "body", None) or b""
    return ResponseRecord(
        request=RequestRecord(method=str(request.method), url=str(request.url), headers=tuple(headers),
                              body=body.encode("utf-8") if isinstance(body, str) else bytes(body)),
        status_code=response.status_code,
        headers=tuple((name.lower(), value) for name, values in response.headers.items() for value in values),
        body=response.content or b"",
        elapsed_s=float(response.elapsed or 0.0),
        sent_at=0.0,
    )


def _as_check(rule: Rule) -> Callable[..., bool | None]:
    def check(ctx: Any, response: Any, case: Any) -> bool | None:
        found = spec_context(case)
        if found is None or not rule.covers(found[0].service, found[0].version):
            return True  # not applied: Schemathesis records neither a pass nor a failure
        spec, operation = found
        outcome = judge(rule, CheckContext(spec=spec, operation=operation), _record(response))
        if outcome.failure is not None:
            raise AssertionError(
                f"{rule.statement}\n{outcome.failure.describe()}\n"
                f"Rule: {rule.name} ({rule.severity}; {spec.service} {spec.version}, {spec.profile} profile)\n"
                f"Source: {rule.source}"
            )
        return True if outcome.verdict == NA else None

    check.__name__ = check.__qualname__ = check_name(rule.name)
    check.__doc__ = rule.statement
    return check


def _rules(severity: str) -> list[Rule]:
    return [r for r in all_checks() if r.severity == severity and not r.stateful_only]


#: Our error-severity response rules as Schemathesis checks, registered on import.
CHECKS: tuple[Callable[..., bool | None], ...] = tuple(schemathesis.check(_as_check(r)) for r in _rules("error"))

#: Our warning-severity response rules as Schemathesis checks, not registered (pass as ``additional_checks=``).
WARNING_CHECKS: tuple[Callable[..., bool | None], ...] = tuple(_as_check(r) for r in _rules("warning"))


def _documented_rejection(case: Any, response: Any) -> bool:
    """Whether the operation documents this rejection of a schema-valid request (``x-semantic-rejections``)."""
    allowed = case.operation.definition.raw.get("x-semantic-rejections") or []
    try:
        body = response.json()
    except Exception:  # any body that is not JSON carries no error code
        return False
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return any(response.status_code == int(r.get("status", 0)) and code in (r.get("codes") or []) for r in allowed)


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure but a ``positive_data_acceptance`` one the operation documents as a semantic rejection."""
    if "positive_data_acceptance" in getattr(failure, "checks", ()) and _documented_rejection(case, response):
        return False
    return True


@schemathesis.hook
def before_load_schema(context: Any, raw_schema: dict[str, Any]) -> None:
    """Register speech clips for raw ``audio/wav`` bodies when the document being loaded has one, and take
    them away when it has none (they would capture Custom Voice's ``audio/wav`` multipart parts)."""
    if audio.raw_audio_body(raw_schema):
        audio.register_media()
    else:
        audio.unregister_media()


schemathesis_setup.register_media()
voice.register_form_audio()
