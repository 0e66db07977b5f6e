"""``python -m privgw.cli``: the console script without installing it."""

import sys

from privgw.cli import main

sys.exit(main())
