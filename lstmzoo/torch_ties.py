"""Every use of torch's private API by the package's non-``nn`` layers, in one place.

``tests/test_torch_ties.py`` fails loudly when a torch release moves or changes what is used
here, so that a version bump breaks a test and not an inference run.
"""

from __future__ import annotations

from torch import Tensor

__all__ = ["inplace_version"]


def inplace_version(tensor: Tensor) -> int:
    """The counter torch bumps on every in-place change of ``tensor`` (``Tensor._version``).

    Autograd uses it to detect tensors changed after they were saved for backward; there is no
    public equivalent. :func:`lstmzoo.inference.engine_for` uses it to notice that a model's
    weights were changed in place (an optimizer step, ``load_state_dict``).
    """
    return int(tensor._version)  # private: autograd's in-place counter
