"""Speaker Recognition, text-independent identification (api-version 2021-09-05).

Exposes ``SERVICE`` (mounted by ``emulator.services.registered_services``) and registers the
Speaker faults. Source: API-DIGEST §2; seed 003.
"""

from emulator.services.speaker import faults as _faults  # noqa: F401  (registers the Speaker faults)
from emulator.services.speaker.service import SERVICE

__all__ = ["SERVICE"]
