"""Read response files into the canonical frame (see :mod:`diagnosis.read.frame`)."""

from .frame import HeaderMatch, Responses

__all__ = ["HeaderMatch", "Responses"]
