"""``python -m lstmzoo.viz FIGURE`` renders one of the explainer figures as a PNG."""

from lstmzoo.viz.cli import main

raise SystemExit(main())
