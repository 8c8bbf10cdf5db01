"""Speaker Recognition, text-independent identification (api-version 2021-09-05).

Exposes ``SERVICE`` (mounted by ``emulator.services.registered_services``) and registers the
Speaker faults. Source: https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment.
"""

from cognitive_conformance.emulator.services.speaker import faults as _faults  # noqa: F401  (registers the Speaker faults)
from cognitive_conformance.emulator.services.speaker.service import SERVICE

__all__ = ["SERVICE"]
