"""``EmulatorConfig``: everything that parameterises one emulator app.

Defaults give the faithful emulator: the well-known key :data:`DEFAULT_KEY`, a 2-second
base training time (never instant: the Train Person Group reference (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1) says training is asynchronous), no faults, the
system clock, and the documented limits.

Sources: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (images 1 KB..6 MB, 248 faces per person, persons per group),
ARCHITECTURE.md "The emulator" (config dataclass; clock injected).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import httpx

from cognitive_conformance.emulator.clock import Clock, SystemClock
from cognitive_conformance.emulator.fetch import FetchPolicy, parse_allow
from cognitive_conformance.emulator.store import InMemoryStore, SqliteStore, Store

__all__ = ["DEFAULT_KEY", "PROFILES", "EmulatorConfig", "Limits"]

DEFAULT_KEY = "1f0e2d3c4b5a69788796a5b4c3d2e1f0"
"""The well-known development subscription key (like Azurite's account key): not a secret."""

PROFILES: tuple[str, ...] = ("observed", "docs")
"""What the emulator imitates: ``observed`` (default) what the real service was recorded doing
(tests/reference/recordings/README.md), ``docs`` the documents taken literally. Each service
decides what the profile changes in its own package; the core only carries the choice."""


@dataclass(frozen=True)
class Limits:
    """Documented size and count limits (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json) plus the emulator's own body cap."""

    max_json_body_bytes: int = 1024 * 1024
    """Cap for JSON bodies (not documented by Azure; larger bodies get 413)."""
    min_image_bytes: int = 1024
    """Images must be at least 1 KB (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes "Image size is too small.")."""
    max_image_bytes: int = 6 * 1024 * 1024
    """Images must be at most 6 MB (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes "Image size is too big.")."""
    max_faces_per_person: int = 248
    """"Each person entry can hold up to 248 faces" (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json add-face description)."""
    max_persons_per_group: int = 10_000
    """S0 tier: 10,000 persons per person group (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json, https://github.com/Azure/azure-rest-api-specs/tree/54923347f07c69f929305d5c2fd3fa7fda1dab96/specification/ai/Face quotas)."""
    image_fetch_timeout: float = 5.0
    """Seconds allowed for one fetch of a URL a request names (an image, consent audio, a blob), redirects included."""
    max_form_file_bytes: int = 10 * 1024 * 1024
    """Cap for one file part of a ``multipart/form-data`` body (Custom Voice audio; emulator choice, 400 BadArgument)."""
    max_form_total_bytes: int = 25 * 1024 * 1024
    """Cap for a whole ``multipart/form-data`` body (emulator choice, 400 BadArgument)."""
    max_form_parts: int = 64
    """Cap on the number of parts in one ``multipart/form-data`` body (emulator choice, 400 BadArgument)."""

    def __post_init__(self) -> None:
        for name in (
            "max_json_body_bytes",
            "min_image_bytes",
            "max_image_bytes",
            "max_faces_per_person",
            "max_persons_per_group",
            "max_form_file_bytes",
            "max_form_total_bytes",
            "max_form_parts",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"Limits.{name} must be >= 0")
        if self.min_image_bytes > self.max_image_bytes:
            raise ValueError("Limits.min_image_bytes must be <= max_image_bytes")
        if not self.image_fetch_timeout > 0:
            raise ValueError("Limits.image_fetch_timeout must be > 0")


@dataclass(frozen=True)
class EmulatorConfig:
    """One emulator app's settings.

    * ``keys``: accepted ``Ocp-Apim-Subscription-Key`` values; each key is its own isolated tenant.
    * ``training_seconds``: base training duration (see ``emulator.training.training_duration``).
    * ``faults``: names of opt-in fault modifiers (``emulator.faults.FAULTS``); unknown names raise ``ValueError``.
    * ``mutations``: blind mutants ``OPERATOR@operationId[@apiVersion]`` (``emulator.mutations``); bad ones raise ``ValueError``.
    * ``clock``: the time source (``ManualClock`` in tests).
    * ``store``: the state; a fresh ``InMemoryStore`` by default, a ``SqliteStore`` on ``data_dir``
      when that is given (both at once is a ``ValueError``).
    * ``data_dir``: a directory whose SQLite database holds the state (``--data-dir``): it survives
      restarts and is shared by every process opened on it (``--workers``). None: in memory.
    * ``image_fetch_transport``: optional httpx transport used to download face images by URL (tests).
    * ``retry_after``: when set (whole seconds), reads of a long-running status that is not yet
      terminal carry ``Retry-After`` (no swagger declares it: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json, https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json, https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json; an emulator may
      add it). Off by default, so the faithful emulator sends none.
    * ``profile``: one of :data:`PROFILES`; ``observed`` by default. A service reads it where the
      recorded service departs from its documents (in its own package: the core names no service).
    * ``aad_tokens``: accepted ``Authorization: Bearer`` tokens (test mode, ``--aad-token``); each token
      is its own isolated tenant, like a key (``emulator.pipeline.auth``). None by default.
    * ``quota``: ``(requests, window_seconds)`` per tenant (``--quota N/s|N/m``), answered with the
      gateway's 429 once used up in the current window (``emulator.pipeline.quota``). None: unlimited.
    * ``quota_retry_after``: whether those 429s carry ``Retry-After`` (the real Face gateway sends none).
    * ``request_log``: a file receiving one JSON line per request (``emulator.request_log``). None: no log.
    * ``training_per_person`` / ``training_per_face``: how a Face group's size lengthens its training:
      ``training_seconds × (1 + training_per_person × persons + training_per_face × faces)`` (a large
      face list counts its faces only), at most ``training_max_seconds``. The documents say training
      time "depends on the number of person entries, and their faces", from "several seconds to
      minutes" for a PersonGroup (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1)
      and "up to half a hour for 1,000,000 persons" for a LargePersonGroup
      (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-large-person-group?view=rest-face-v1.2-preview.1;
      https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/how-to/use-large-scale: "from seconds to
      about half an hour based on the actual capacity"), hence the half-hour cap. With the defaults a group of
      3 persons and 6 faces trains 2.4 s, 1,000 persons with 10 faces each 302 s, and 18,000 persons or more the
      whole half hour. Faults scale the result (``Behaviour.training_scale``).
    * ``allow_fetch``: host names, addresses or CIDRs a URL fetch (Add Face from URL, a consent's ``audioUrl``,
      a blob container) may reach besides public addresses (``--allow-fetch``; ``emulator.fetch``). Empty by
      default: loopback, private, link-local and metadata destinations are refused.
    """

    keys: tuple[str, ...] = (DEFAULT_KEY,)
    training_seconds: float = 2.0
    faults: tuple[str, ...] = ()
    mutations: tuple[str, ...] = ()
    clock: Clock = field(default_factory=SystemClock)
    limits: Limits = field(default_factory=Limits)
    store: Store = None  # type: ignore[assignment]  # set in __post_init__: InMemoryStore, or SqliteStore(data_dir)
    data_dir: str | None = None
    image_fetch_transport: httpx.AsyncBaseTransport | None = None
    retry_after: int | None = None
    profile: str = "observed"
    aad_tokens: tuple[str, ...] = ()
    quota: tuple[int, float] | None = None
    quota_retry_after: bool = False
    request_log: str | None = None
    training_per_person: float = 0.05
    training_per_face: float = 0.01
    training_max_seconds: float = 1800.0
    allow_fetch: tuple[str, ...] = ()

    @property
    def fetch_policy(self) -> FetchPolicy:
        """Where this emulator's URL fetches may go (``emulator.fetch``)."""
        return FetchPolicy.from_allow(self.allow_fetch)

    def __post_init__(self) -> None:
        keys: Any = self.keys
        if isinstance(keys, str):
            keys = (keys,)
        keys = tuple(keys)
        if not keys or any(not isinstance(k, str) or not k.strip() for k in keys):
            raise ValueError("EmulatorConfig.keys must be a non-empty sequence of non-blank strings")
        object.__setattr__(self, "keys", keys)
        if not isinstance(self.training_seconds, (int, float)) or not math.isfinite(self.training_seconds) or self.training_seconds < 0:
            raise ValueError("EmulatorConfig.training_seconds must be a finite number >= 0")
        for name in ("training_per_person", "training_per_face", "training_max_seconds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ValueError(f"EmulatorConfig.{name} must be a finite number >= 0")
        if self.retry_after is not None and (isinstance(self.retry_after, bool) or not isinstance(self.retry_after, int) or self.retry_after < 0):
            raise ValueError("EmulatorConfig.retry_after must be a whole number of seconds >= 0")
        if self.profile not in PROFILES:
            raise ValueError(f"EmulatorConfig.profile must be one of {', '.join(PROFILES)}, got {self.profile!r}")
        tokens = tuple(self.aad_tokens)
        if any(not isinstance(t, str) or not t.strip() or " " in t.strip() for t in tokens):
            raise ValueError("EmulatorConfig.aad_tokens must be non-blank strings without spaces")
        object.__setattr__(self, "aad_tokens", tokens)
        if self.quota is not None:
            count, window = self.quota
            if isinstance(count, bool) or not isinstance(count, int) or count < 1 or not window > 0:
                raise ValueError("EmulatorConfig.quota must be (requests >= 1, window seconds > 0)")
        allow = (self.allow_fetch,) if isinstance(self.allow_fetch, str) else tuple(self.allow_fetch)
        parse_allow(allow)  # ValueError for a malformed entry
        object.__setattr__(self, "allow_fetch", allow)
        faults: Any = self.faults
        if isinstance(faults, str):
            faults = (faults,)
        faults = tuple(faults)
        from cognitive_conformance.emulator.faults import validate_fault_names  # local import: faults imports nothing from config

        validate_fault_names(faults)
        object.__setattr__(self, "faults", faults)
        if self.data_dir is not None:
            if self.store is not None:
                raise ValueError("EmulatorConfig takes a store or a data_dir, not both")
            object.__setattr__(self, "store", SqliteStore(self.data_dir))
        elif self.store is None:
            object.__setattr__(self, "store", InMemoryStore())
