"""Where inputs are read: a local process pool, or a dask.distributed cluster.

Both run the same per-file function (`pipeline.run.process_file`) and yield
`(input, FileResult)` pairs as files finish, never holding more than a small window of
results, so the writer's memory does not grow with the number of inputs. Neither
raises for one file's failure: a file that runs out of time, or whose worker dies,
becomes a FileResult with an error row, and the run goes on.

Time limits. `process_file` stops itself between PDF pages once the limit has passed
(ReadError time_limit). A file stuck inside one page, in C code or in a loop that never
reaches a page boundary, is cut off in the local pool by pebble, which kills its worker
a few seconds after the limit and starts a new one. On dask only the first kind of stop
exists: a dask worker cannot kill one of its tasks.
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures import TimeoutError as FutureTimeout

from pipeline.manifest import InputFile
from pipeline.records import ErrorRow, FileResult

KILL_GRACE_S = 5.0  # how long past the time limit a worker gets to stop itself before it is killed
WINDOW_PER_WORKER = 2  # files in flight per worker: enough to keep each busy, few to hold


def failed(item: InputFile, error_type: str, message: str, stage: str = "read") -> FileResult:
    return FileResult(item.source_file, None, errors=(ErrorRow(item.source_file, stage, error_type, message),))


def run_local(items: Sequence[InputFile], workers: int, *, pdf_engine: str,
              time_limit_s: float | None, ocr: str = "auto") -> Iterator[tuple[InputFile, FileResult]]:
    """Read `items` in a pool of `workers` processes."""
    from pebble import ProcessExpired, ProcessPool

    from pipeline.run import process_file

    # fork: a worker starts in milliseconds with the modules already imported.
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    hard_limit = time_limit_s + KILL_GRACE_S if time_limit_s else None
    queue = iter(items)
    pool = ProcessPool(max_workers=workers, context=context)
    try:
        pending = {}

        def submit() -> None:
            item = next(queue, None)
            if item is not None:
                future = pool.schedule(process_file, args=(item.path, item.source_file),
                                       kwargs={"pdf_engine": pdf_engine, "time_limit_s": time_limit_s,
                                               "ocr": ocr},
                                       timeout=hard_limit)
                pending[future] = item

        for _ in range(workers * WINDOW_PER_WORKER):
            submit()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                item = pending.pop(future)
                try:
                    result = future.result()
                except FutureTimeout:
                    result = failed(item, "time_limit", f"no result after {hard_limit:g} s (time limit "
                                    f"{time_limit_s:g} s): its worker was stopped")
                except ProcessExpired as exc:
                    result = failed(item, "worker_died", f"the process reading it died (exit code "
                                    f"{exc.exitcode}): out of memory, or a crash in a native library")
                except Exception as exc:  # a bug in the pool's plumbing, not in the input
                    result = failed(item, type(exc).__name__, f"{type(exc).__name__}: {exc}")
                yield item, result
                submit()
    finally:
        # at the end nothing is running; when the run stops early (an error, Ctrl-C),
        # the files in flight are abandoned rather than waited for
        pool.stop()
        pool.join()


def run_dask(items: Sequence[InputFile], scheduler: str, *, pdf_engine: str,
             time_limit_s: float | None, ocr: str = "auto") -> Iterator[tuple[InputFile, FileResult]]:
    """Read `items` on the dask.distributed cluster whose scheduler is at `scheduler`
    (tcp://host:8786). Its workers must see the input paths (a shared file system) and
    have gazette installed."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise RuntimeError("--executor dask needs dask.distributed: pip install 'gazette[dask]'") from exc

    from pipeline.run import process_file

    queue = iter(items)
    with Client(scheduler) as client:
        window = max(1, sum(client.nthreads().values())) * WINDOW_PER_WORKER
        pending = {}

        def submit():
            item = next(queue, None)
            if item is None:
                return None
            future = client.submit(process_file, item.path.resolve(), item.source_file, pdf_engine=pdf_engine,
                                   time_limit_s=time_limit_s, ocr=ocr, pure=False)
            pending[future] = item
            return future

        started = [f for f in (submit() for _ in range(window)) if f is not None]
        finished = as_completed(started)
        for future in finished:
            item = pending.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # the worker died, or the cluster lost the task
                result = failed(item, "worker_died", f"the dask task failed: {type(exc).__name__}: {exc}")
            future.release()
            yield item, result
            following = submit()
            if following is not None:
                finished.add(following)
