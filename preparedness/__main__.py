"""``python -m preparedness``: the same as the ``preparedness`` command."""

from .cli import main

raise SystemExit(main())
