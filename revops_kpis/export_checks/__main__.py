"""`python -m revops_kpis.export_checks`: see `revops_kpis.export_checks._cli`."""

import sys

from revops_kpis.export_checks._cli import main

sys.exit(main())
