import sys

from revops_kpis.cli import main

sys.exit(main())
