"""``python -m wholebrain.cli``: the same as the ``wholebrain`` command."""

import sys

from . import main

sys.exit(main())
