"""`python -m revops_kpis.generator`: see `revops_kpis.generator.cli`."""

import sys

from revops_kpis.generator.cli import main

sys.exit(main())
