"""The emulated Custom Voice service (projects, consents, personal and professional voices, operations); see ``service.py``.

Importing the package registers its faults (``faults.py``, ``faults_contract.py``, ``faults_professional.py``).
"""

from cognitive_conformance.emulator.services.voice import faults as _faults  # noqa: F401  (registers the Custom Voice faults)
from cognitive_conformance.emulator.services.voice import faults_contract as _contract_faults  # noqa: F401  (status/header/id-limit faults)
from cognitive_conformance.emulator.services.voice import faults_professional as _professional_faults  # noqa: F401  (professional voice faults)
from cognitive_conformance.emulator.services.voice.service import SERVICE, VERSIONS

__all__ = ["SERVICE", "VERSIONS"]
