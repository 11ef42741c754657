"""``python -m kuzet.indicators``: see ``kuzet.indicators.cli``."""

import sys

from kuzet.indicators.cli import main

sys.exit(main())
