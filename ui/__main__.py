"""``python -m ui`` does what the ``backprop-studio`` command does."""

import sys

from ui.launch import main

sys.exit(main())
