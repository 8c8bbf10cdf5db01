"""``python -m cognitive_conformance.conformance`` is the ``conformance`` console script."""

import sys

from cognitive_conformance.conformance.cli import main

sys.exit(main())
