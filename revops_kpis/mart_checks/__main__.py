"""`python -m revops_kpis.mart_checks`: see `revops_kpis.mart_checks._cli`."""

import sys

from revops_kpis.mart_checks._cli import main

sys.exit(main())
