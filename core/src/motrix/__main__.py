"""``python -m motrix`` is the ``motrix`` command."""

import sys

from motrix.cli.main import main

sys.exit(main())
