"""The same batch on a dask.distributed cluster (``diagnosis batch --scheduler tcp://host:8786``).

Each Dask worker process is a warm worker: :func:`~.runner.warm_up` runs on
every worker first, then each town is one task calling
:func:`~.runner.render_one`, exactly as in the local pool, so the outputs are
the same. Workers read the town folders and write the reports at the same
paths as the client: run them on this machine or on a shared file system.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .runner import TownResult, TownTask, render_one, warm_up

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
        for future in as_completed(futures):
            task = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # the worker died or the task was lost
                name = task.out_dir.rsplit("/", 1)[-1]
                result = TownResult(name, name, "failed", task.out_dir,
                                    message=f"{type(exc).__name__}: {exc}")  # fmt: skip
            results.append(result)
            if on_result is not None:
                on_result(result)
        return results
    finally:
        if own:
            client.close()
