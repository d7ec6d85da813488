"""``python -m lstmzoo.cli`` runs the ``lstmzoo`` command (as ``python -m lstmzoo`` does)."""

from lstmzoo.entry import main

raise SystemExit(main())
