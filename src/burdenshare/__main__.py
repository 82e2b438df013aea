"""``python -m burdenshare``: the same commands as the ``burdenshare`` console script."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
