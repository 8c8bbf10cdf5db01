"""Hypothesis strategies for the Azure AI train-then-poll APIs.

Public names only; each lives in its own module:

* :mod:`strategies.ids`      person group ids, uuids (valid and ``invalid_*``)
* :mod:`strategies.payloads` Face names, userData, bodies, training status / operation bodies, error envelopes
* :mod:`strategies.images`   real JPEG/PNG/GIF/BMP images and invalid ones
* :mod:`strategies.audio`    synthetic speech WAV/PCM with speaker, speech ratio and SNR control; invalid audio
* :mod:`strategies.voice`    Custom Voice ids, Operation-Ids, bodies, multipart forms, consent/training audio pairs
* :mod:`strategies.media_dir` the user's own faces and recordings (``--media-dir``) in place of the synthetic media

:func:`register_media` registers the media strategies with Schemathesis, so that requests
it generates from ``specs/`` carry real images and real audio rather than random bytes.
"""

from __future__ import annotations

import cognitive_conformance.strategies.audio as _audio
import cognitive_conformance.strategies.ids as _ids
import cognitive_conformance.strategies.images as _images
import cognitive_conformance.strategies.payloads as _payloads
import cognitive_conformance.strategies.voice as _voice
from cognitive_conformance.strategies.audio import *  # noqa: F401,F403
from cognitive_conformance.strategies.ids import *  # noqa: F401,F403
from cognitive_conformance.strategies.images import *  # noqa: F401,F403
from cognitive_conformance.strategies.payloads import *  # noqa: F401,F403
from cognitive_conformance.strategies.voice import *  # noqa: F401,F403

__all__ = [
    "register_media",
    *_audio.__all__,
    *_ids.__all__,
    *_images.__all__,
    *_payloads.__all__,
    *_voice.__all__,
]


def register_media(document: dict) -> None:
    """Register every media strategy with Schemathesis (idempotent); an active ``--media-dir`` replaces them.

    ``document``: the OpenAPI document about to be fuzzed (required: which media a run needs depends on it). Raw ``audio/wav`` bodies are registered only
    for a document that sends one: the same registration would also capture a multipart part whose
    ``encoding.contentType`` is ``audio/wav`` (see :func:`strategies.audio.unregister_media`), and a
    worker process fuzzes one document after another.
    """
    from cognitive_conformance.strategies import media_dir, schemathesis_setup

    schemathesis_setup.register_media()
    _audio.register_media()
    _voice.register_form_audio()
    media_dir.register_user_media()
    if not _audio.raw_audio_body(document):
        _audio.unregister_media()
