"""Handler: the activation phrases of a locale.

200 ``{"value": [{"activationPhrase"}]}`` (https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json ActivationPhraseInfo; the upstream example keys it
``phrases``, an erratum recorded in specs/speaker.yaml). The phrases are the emulator's own: the
example shows only "this is my activation phrase to identify me", used for en-US.

Source: https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (TextIndependent_ListActivationPhrases), tests/reference/azure-examples/speaker-recognition/2021-09-05/listProfiles.json; tests/reference/azure-examples/speaker-recognition/2021-09-05/activationPhrases.json (example disagreement).
"""

from __future__ import annotations

from cognitive_conformance.emulator.routing import HandlerContext, Reply

__all__ = ["PHRASES", "list_activation_phrases"]

PHRASES: dict[str, tuple[str, ...]] = {
    "en-US": ("this is my activation phrase to identify me",),
    "es-ES": ("esta es mi frase de activación para identificarme",),
    "fr-FR": ("ceci est ma phrase d'activation pour m'identifier",),
    "zh-CN": ("这是我用来识别我的激活短语",),
}


async def list_activation_phrases(ctx: HandlerContext) -> Reply:
    """TextIndependent_ListActivationPhrases."""
    return Reply(200, json={"value": [{"activationPhrase": p} for p in PHRASES[ctx.inputs.locale]]})
