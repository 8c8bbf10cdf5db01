"""Handlers: create, list, get, delete and reset text-independent profiles.

* create -> 201 TiProfileInfo (``Active``, ``Enrolling``, 20 s remaining) + ``location`` of the profile;
* list -> 200 ``{value, nextLink?}`` sorted by profileId, ``maxpagesize`` per page; ``nextLink`` is an
  absolute URL with the emulator's keyset cursor ``after=<last id>``, absent on the last page, so a walk
  sees every profile exactly once even while profiles are added or deleted;
* get -> 200 TiProfileInfo, status derived at read time (how a client polls enrollment);
* delete -> 204; reset -> 200 TiProfileInfo back to the creation state (``Inactive``) + ``location``.

Source: https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (operations, statuses, x-ms-pageable nextLink/value, maxpagesize), https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json
(example values; resetProfile.json ``Inactive``).
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from cognitive_conformance.emulator.routing import NO_BODY, HandlerContext, Reply
from cognitive_conformance.emulator.services.speaker import views
from cognitive_conformance.emulator.services.speaker.models import Profile
from cognitive_conformance.emulator.services.speaker.state import find_profile, speaker_state

__all__ = [
    "PROFILES_PATH",
    "API_VERSION",
    "create_profile",
    "list_profiles",
    "get_profile",
    "delete_profile",
    "reset_profile",
]

API_VERSION = "2021-09-05"
PROFILES_PATH = "/speaker-recognition/identification/text-independent/profiles"


def _location(ctx: HandlerContext, profile_id: str) -> str:
    return f"{ctx.base_url}{PROFILES_PATH}/{profile_id}?api-version={API_VERSION}"


async def create_profile(ctx: HandlerContext) -> Reply:
    """TextIndependent_CreateProfile."""
    profile_id = str(uuid.uuid4())
    with speaker_state(ctx.store, ctx.key) as state:
        profile = Profile(profile_id=profile_id, locale=ctx.inputs.locale, created_at=ctx.now, updated_at=ctx.now)
        state.profiles[profile_id] = profile
        body = views.profile_body(profile, ctx.now)
    return Reply(201, json=body, headers={"location": _location(ctx, profile_id)})


async def list_profiles(ctx: HandlerContext) -> Reply:
    """TextIndependent_ListProfiles."""
    inputs = ctx.inputs
    with speaker_state(ctx.store, ctx.key) as state:
        ids = sorted(state.profiles)
        if inputs.after is not None:
            ids = [i for i in ids if i > inputs.after]
        page = ids[: inputs.max_page_size]
        body: dict = {"value": [views.profile_body(state.profiles[i], ctx.now) for i in page]}
        if len(ids) > len(page):
            query = urlencode({"api-version": API_VERSION, "maxpagesize": inputs.max_page_size, "after": page[-1]})
            body["nextLink"] = f"{ctx.base_url}{PROFILES_PATH}?{query}"
    return Reply(200, json=body)


async def get_profile(ctx: HandlerContext) -> Reply:
    """TextIndependent_GetProfile."""
    with speaker_state(ctx.store, ctx.key) as state:
        profile = find_profile(state, ctx.inputs.profile_id)
        return Reply(200, json=views.profile_body(profile, ctx.now))


async def delete_profile(ctx: HandlerContext) -> Reply:
    """TextIndependent_DeleteProfile."""
    with speaker_state(ctx.store, ctx.key) as state:
        find_profile(state, ctx.inputs.profile_id)
        del state.profiles[ctx.inputs.profile_id]
    return Reply(204, json=NO_BODY)


async def reset_profile(ctx: HandlerContext) -> Reply:
    """TextIndependent_ResetProfile."""
    with speaker_state(ctx.store, ctx.key) as state:
        profile = find_profile(state, ctx.inputs.profile_id)
        profile.reset(ctx.now)
        body = views.profile_body(profile, ctx.now)
    return Reply(200, json=body, headers={"location": _location(ctx, profile.profile_id)})
