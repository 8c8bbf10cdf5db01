"""Access to the Speaker partition of the store, lookups, and the per-profile in-flight marker.

:func:`profile_in_flight` is the :class:`~emulator.routing.Route` guard of every write on one
profile (enroll, reset, delete): the pipeline enters it *before* the request body is read and
leaves it after the handler, so while one enrollment's audio is still arriving or being
analysed, a second write on the same profile is answered 409 ``Conflict`` at once, and a write
on a missing profile is 404 before any audio is read. The marker names the process that set it
(:meth:`~emulator.store.Store.holder`): with ``--data-dir`` the marker is shared by every worker,
and one left by a killed process stops counting (:meth:`~emulator.store.Store.alive`), so a
``kill -9`` mid-enrollment never leaves a profile busy forever.

Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (409 "Sending concurrent requests on same profile is not allowed.",
404 "Requested profile doesn't exist"); specs/speaker.yaml Conflict (delete and reset share it).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, ContextManager, Iterator, Mapping

from cognitive_conformance.emulator.services.speaker import errors
from cognitive_conformance.emulator.services.speaker.models import Profile, SpeakerState

__all__ = ["SERVICE_NAME", "UUID_PATTERN", "speaker_state", "find_profile", "profile_in_flight"]

SERVICE_NAME = "speaker"
UUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def speaker_state(store: Any, key: str) -> ContextManager[SpeakerState]:
    """Lock the store and yield this key's Speaker state."""
    return store.partition(key, SERVICE_NAME, SpeakerState)


def find_profile(state: SpeakerState, profile_id: str) -> Profile:
    """The profile, or 404 ``NotFound``."""
    profile = state.profiles.get(profile_id.lower())
    if profile is None:
        raise errors.profile_not_found()
    return profile


@contextmanager
def profile_in_flight(key: str, path_params: Mapping[str, str], config: Any) -> Iterator[None]:
    """Mark the profile busy for the request's lifetime; 404 if it does not exist, 409 if already busy.

    A malformed id is left to the route's validator (which answers 404).
    """
    profile_id = path_params.get("profileId", "")
    if not UUID_PATTERN.fullmatch(profile_id):
        yield
        return
    profile_id = profile_id.lower()
    store = config.store
    holder = store.holder()
    with speaker_state(store, key) as state:
        find_profile(state, profile_id)
        busy = state.in_flight.get(profile_id)
        if busy is not None and store.alive(busy):
            raise errors.concurrent_request()
        state.in_flight[profile_id] = holder
    try:
        yield
    finally:
        with speaker_state(store, key) as state:
            if state.in_flight.get(profile_id) == holder:
                del state.in_flight[profile_id]
