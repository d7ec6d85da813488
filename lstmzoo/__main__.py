"""``python -m lstmzoo`` runs the ``lstmzoo`` command."""

from lstmzoo.entry import main

raise SystemExit(main())
