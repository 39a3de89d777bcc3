"""``python -m simulator.cli`` does what ``backprop-studio train|evaluate|...`` does."""

import sys

from simulator.cli import main

sys.exit(main())
