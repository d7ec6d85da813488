"""The sweep file and its check against the config, in three parts:

* :mod:`~lstmzoo.sweep.spec.schema`: the file's format, read into a :class:`SweepSpec`;
* :mod:`~lstmzoo.sweep.spec.space`: the search space's types, :class:`Categorical` and
  :class:`Range`;
* :mod:`~lstmzoo.sweep.spec.config`: a trial's composed config and the check of ``space`` and
  ``overrides`` against the ``lstmzoo fit`` parser (:func:`validate_against_config`).
"""

from lstmzoo.sweep.spec.config import compose_config, validate_against_config
from lstmzoo.sweep.spec.schema import MODES, PRUNERS, SAMPLERS, SEED_KEY, SweepSpec, load_spec
from lstmzoo.sweep.spec.space import Categorical, Dimension, Range

__all__ = [
    "MODES",
    "PRUNERS",
    "SAMPLERS",
    "SEED_KEY",
    "Categorical",
    "Dimension",
    "Range",
    "SweepSpec",
    "compose_config",
    "load_spec",
    "validate_against_config",
]
