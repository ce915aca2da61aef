"""The same batch on a dask.distributed cluster (``diagnosis batch --scheduler tcp://host:8786``).

Each Dask worker process is a warm worker: :func:`~.runner.warm_up` runs on
every worker first, then each town is one task calling
:func:`~.runner.render_one`, exactly as in the local pool, so the outputs are
the same. Workers read the town folders and write the reports at the same
paths as the client: run them on this machine or on a shared file system
(one whose ``flock`` works across machines, for the per-town locks).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from .runner import TownResult, TownTask, render_one, settle_lost, warm_up

__all__ = ["run_on_dask"]


def run_on_dask(
    tasks: Sequence[TownTask],
    scheduler: str | object,
    *,
    on_result: Callable[[TownResult], None] | None = None,
) -> list[TownResult]:
    """Render ``tasks`` on the cluster behind ``scheduler``; results as they finish.

    Parameters
    ----------
    tasks : sequence of TownTask
    scheduler : str or distributed.Client
        A scheduler address (``tcp://host:8786``), or a connected client.
    on_result : callable, optional
        Called with each :class:`~.runner.TownResult` as it arrives.

    Returns
    -------
    list of TownResult

    Examples
    --------
    >>> from distributed import LocalCluster  # doctest: +SKIP
    >>> with LocalCluster(n_workers=2, processes=True) as cluster:  # doctest: +SKIP
    ...     results = run_on_dask(tasks, cluster.scheduler_address)
    """
    from distributed import Client, as_completed

    own = isinstance(scheduler, str)
    client = Client(scheduler) if own else scheduler
    try:
        client.run(warm_up)
        futures = {client.submit(render_one, task, pure=False): task for task in tasks}
        results = []
        queue = as_completed(futures)
        for future in queue:
            task = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # the worker died or the task was lost
                result = settle_lost(task, f"{type(exc).__name__}: {exc}")
            if result is None:  # another batch has the town: the others first, then wait
                again = client.submit(render_one, replace(task, wait=True), pure=False)
                futures[again] = task
                queue.add(again)
                continue
            results.append(result)
            if on_result is not None:
                on_result(result)
        return results
    finally:
        if own:
            client.close()
