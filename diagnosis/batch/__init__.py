"""Every town's report in one run: warm workers, resume, timeouts, an index; locally or on Dask.

``diagnosis batch`` calls :func:`run_batch`. Kept light on purpose: papermill
imports :mod:`diagnosis.batch.plugin` (its ``papermill.engine`` entry point)
at start-up, so nothing heavy is imported here.
"""

__all__ = ["run_batch"]


def __getattr__(name: str):
    if name == "run_batch":
        from .runner import run_batch

        return run_batch
    raise AttributeError(name)
