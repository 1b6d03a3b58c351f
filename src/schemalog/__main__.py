"""``python -m schemalog`` runs the command line."""

import sys

from schemalog.cli.main import main

sys.exit(main())
