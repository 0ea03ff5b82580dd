"""``python -m filagent`` runs the ``filagent`` command."""

import sys

from filagent.cli import main

sys.exit(main())
