"""The emulated Face service (PersonGroup and LargePersonGroup training, FaceLists, Detect and Identify, PersonDirectory); see ``service.py``."""

from cognitive_conformance.emulator.services.face import faults as _faults  # noqa: F401  (registers the Face faults)
from cognitive_conformance.emulator.services.face.service import SERVICE, VERSIONS

__all__ = ["SERVICE", "VERSIONS"]

from cognitive_conformance.emulator.services.face import list_faults as _list_faults  # noqa: E402,F401  (FaceList / LargeFaceList faults)
from cognitive_conformance.emulator.services.face import recognition_faults as _recognition_faults  # noqa: E402,F401  (Identify / PersonDirectory faults)
