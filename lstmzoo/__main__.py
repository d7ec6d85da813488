"""``python -m lstmzoo`` runs the ``lstmzoo`` command."""

from lstmzoo.cli import main

raise SystemExit(main())
