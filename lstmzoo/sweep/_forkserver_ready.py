"""Imported last by the sweep's fork server (:data:`lstmzoo.sweep.launch.PRELOAD`).

A fork server's preload list is its only start-up hook: importing this module, after torch,
Lightning and the trial code, freezes the objects those imports created
(:func:`lstmzoo.utils.freeze_for_exit`). Forked trials then never scan them in their garbage
collections (nor copy the pages that hold them), and the server's own exit at the end of a
sweep takes a fraction of a second instead of about two.
"""

from lstmzoo.utils import freeze_for_exit

freeze_for_exit()
