"""Register our media strategies with Schemathesis, so generated requests carry real media.

Schemathesis (4.x) generates ``application/octet-stream`` bodies as arbitrary bytes, which the
Face add-face-from-stream operation rejects long before any interesting behaviour
(``400 InvalidImage``). :func:`register_media` tells Schemathesis to draw those bodies from
:func:`strategies.images.images` instead, through the public
``schemathesis.openapi.media_type(name, strategy)`` API (it registers the generator and a
pass-through serializer for every transport; see https://schemathesis.readthedocs.io/en/stable/guides/custom-media-types/).

:func:`register_media_type` is the one place any media type is registered and is the hook for
other media: the audio strategies register ``audio/wav`` through it (or directly), and the
caller composes the calls. Registration is global to the Schemathesis process, and both
functions are idempotent: registering the same strategy again changes nothing, and registering
a different one replaces the previous one.

Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (add face from a stream consumes application/octet-stream) and https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json
(AddPersonGroupPersonFace, body parameter ``imageContent``).
"""

from __future__ import annotations

import functools
from collections.abc import Collection

import schemathesis
from hypothesis import strategies as st

from cognitive_conformance.strategies.images import images

__all__ = ["FACE_IMAGE_MEDIA_TYPE", "register_media", "register_media_type", "registered_media_types"]

FACE_IMAGE_MEDIA_TYPE = "application/octet-stream"
"""The request media type of AddPersonGroupPersonFace from a stream (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."""

_registered: dict[str, st.SearchStrategy[bytes]] = {}


@functools.cache
def _default_images() -> st.SearchStrategy[bytes]:
    # One shared strategy object, so repeated default registrations are the same registration.
    return images()


def register_media_type(
    media_type: str, strategy: st.SearchStrategy[bytes], *, aliases: Collection[str] = ()
) -> None:
    """Make Schemathesis draw request bodies of ``media_type`` (and ``aliases``) from ``strategy``.

    Idempotent: a media type already registered with the same strategy object is left alone;
    a different strategy replaces it. ``media_type`` and every alias must look like
    ``type/subtype`` (ValueError otherwise); ``strategy`` must be a Hypothesis strategy of
    ``bytes`` (TypeError otherwise).
    """
    names = (media_type, *aliases)
    for name in names:
        if not isinstance(name, str) or name.count("/") != 1 or not all(name.split("/")):
            raise ValueError(f"media type {name!r} must look like 'type/subtype'")
    if not isinstance(strategy, st.SearchStrategy):
        raise TypeError(f"strategy must be a hypothesis SearchStrategy of bytes, got {type(strategy).__name__}")
    if all(_registered.get(name) is strategy for name in names):
        return
    schemathesis.openapi.media_type(media_type, strategy, aliases=tuple(aliases))
    for name in names:
        _registered[name] = strategy


def register_media(*, images_strategy: st.SearchStrategy[bytes] | None = None) -> None:
    """Register face images for ``application/octet-stream`` request bodies with Schemathesis.

    With no argument the strategy is :func:`strategies.images.images` with its defaults
    (JPEG/PNG/GIF/BMP, 36..512 px, 1 KB..6 MB, textured so the emulator's face rule accepts it);
    pass ``images_strategy`` to use another (e.g. ``images(formats=("PNG",))`` or an
    ``invalid_images(kind=...)`` for negative runs). Images only: audio media types are
    registered by the audio strategies (:func:`strategies.audio.register_media`); call both. Idempotent, see
    :func:`register_media_type`.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (AddPersonGroupPersonFace, ``application/octet-stream``).
    """
    strategy = _default_images() if images_strategy is None else images_strategy
    register_media_type(FACE_IMAGE_MEDIA_TYPE, strategy)


def registered_media_types() -> dict[str, st.SearchStrategy[bytes]]:
    """The media types registered through this module so far, with their strategies (a copy)."""
    return dict(_registered)
