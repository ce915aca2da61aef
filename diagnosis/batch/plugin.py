"""The ``papermill.engine`` entry point: a light handle on :class:`~.engine.WarmEngine`.

Papermill loads every engine plugin while it is itself being imported. The
real engine subclasses ``papermill.engines.Engine``, so pointing the entry
point at it directly would be a circular import whenever
:mod:`diagnosis.batch.engine` is imported before papermill. This handle
imports nothing at load time and hands each call to the real engine.
"""

from __future__ import annotations

from typing import Any

__all__ = ["WarmEngine"]


class WarmEngine:
    """Papermill's view of :class:`diagnosis.batch.engine.WarmEngine` (``diagnosis-warm``).

    Examples
    --------
    >>> from papermill.engines import papermill_engines
    >>> papermill_engines.get_engine("diagnosis-warm").__name__
    'WarmEngine'
    """

    @staticmethod
    def _real() -> type:
        from .engine import WarmEngine as Real

        return Real

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: str, **kwargs: Any) -> Any:
        """Execute ``nb`` with the warm engine."""
        return cls._real().execute_notebook(nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb: Any, name: str | None = None) -> str:
        """The kernel name papermill records (cells run in this process's Python)."""
        return cls._real().nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb: Any, language: str | None = None) -> str:
        """The notebook's language."""
        return cls._real().nb_language(nb, language)
