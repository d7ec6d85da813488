"""The I/O-topology heads (re-exported from :mod:`lstmzoo.nn.heads`)."""

from lstmzoo.nn.heads import HEADS, Head, ManyToMany, ManyToOne, OneToMany, build_head

__all__ = ["HEADS", "Head", "ManyToMany", "ManyToOne", "OneToMany", "build_head"]
