"""Run a sweep: an Optuna study whose trials are ``lstmzoo fit`` processes.

* :mod:`~lstmzoo.sweep.runner.loop`: :class:`SweepRunner`, the worker threads that take the
  next (point, seed), run it as a trial process and tell the study how it ended;
* :mod:`~lstmzoo.sweep.runner.study`: the study of a sweep file, created or checked;
* :mod:`~lstmzoo.sweep.runner.sampling`: the search space as Optuna suggestions, and the
  sampler that gives planned trials their values;
* :mod:`~lstmzoo.sweep.runner.bookkeeping`: the trials by (point, seed): done, running,
  retried, duplicated, or left behind by a dead runner;
* :mod:`~lstmzoo.sweep.runner.resume`: a retry continues its earlier run's ``last.ckpt``;
* :mod:`~lstmzoo.sweep.runner.trial_process`: a trial's command line, environment and result.

The storage itself (URLs, heartbeats) is :mod:`lstmzoo.sweep.storage`; how trial processes
start is :mod:`lstmzoo.sweep.launch`.
"""

from lstmzoo.sweep.runner.bookkeeping import SweepState, TrialOutcome, point_key
from lstmzoo.sweep.runner.loop import SweepRunner
from lstmzoo.sweep.storage import make_storage, open_storage

__all__ = [
    "SweepRunner",
    "SweepState",
    "TrialOutcome",
    "make_storage",
    "open_storage",
    "point_key",
]
