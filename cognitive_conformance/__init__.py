"""cognitive-conformance: contract tests and spec conformance for the Azure AI train-then-poll APIs.

Subpackages: ``conformance`` (the checker, its CLI and reports), ``emulator`` (the embedded
default target), ``strategies`` (Hypothesis strategies), ``specs`` (the hand-written OpenAPI
specs). The public Python API is :mod:`cognitive_conformance.api`.
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("cognitive-conformance")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
