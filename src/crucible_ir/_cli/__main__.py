"""``python -m crucible_ir._cli``."""

import sys

from . import main

sys.exit(main())
