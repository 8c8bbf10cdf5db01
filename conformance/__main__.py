"""``python -m conformance`` is the ``conformance`` console script."""

import sys

from conformance.cli import main

sys.exit(main())
