"""``python -m crucible_ir``: the crucible-ir command."""

import sys

from ._cli import main

sys.exit(main())
