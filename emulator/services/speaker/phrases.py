"""Handler: the activation phrases of a locale.

200 ``{"value": [{"activationPhrase"}]}`` (SR ActivationPhraseInfo; the upstream example keys it
``phrases``, an erratum recorded in specs/speaker.yaml). The phrases are the emulator's own: the
example shows only "this is my activation phrase to identify me", used for en-US.

Source: API-DIGEST §2.2 (TextIndependent_ListActivationPhrases), §2.6 (example disagreement).
"""

from __future__ import annotations

from emulator.routing import HandlerContext, Reply

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
