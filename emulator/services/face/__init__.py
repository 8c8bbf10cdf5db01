"""The emulated Face service (PersonGroup and LargePersonGroup training); see ``service.py``."""

from emulator.services.face.service import SERVICE, VERSIONS

__all__ = ["SERVICE", "VERSIONS"]
