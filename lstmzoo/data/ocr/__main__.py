"""``python -m lstmzoo.data.ocr OUT [--text T ...]``: render example text-line images."""

from lstmzoo.data.ocr.render import main

raise SystemExit(main())
