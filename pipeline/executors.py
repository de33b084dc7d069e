"""Where inputs are read: a local process pool, or a dask.distributed cluster.

Both run the same per-file function (`pipeline.run.read_input`) and yield
`(input, FileOutput)` pairs as files finish, never holding more than a small window of
results, so the writer's memory does not grow with the number of inputs. The rows are
made into Arrow tables in the worker, so the writer, one process for the whole run, only
appends them: with it doing the conversion too, two workers read no faster than one.
Neither raises for one file's failure: a file that runs out of time, or whose worker
dies, becomes a FileOutput with an error row, and the run goes on.

Time limits. `process_file` stops itself between PDF pages once the limit has passed
(ReadError time_limit). A file stuck inside one page, in C code or in a loop that never
reaches a page boundary, is cut off in the local pool by pebble, which kills its worker
a few seconds after the limit and starts a new one. On dask only the first kind of stop
exists: a dask worker cannot kill one of its tasks.

Memory. Each local worker has a ceiling (start_worker, `--memory-limit`): an input that
would take it further fails at once with an error row memory_limit, instead of the machine
swapping until the kernel kills something. On dask the cluster's own worker memory limits
apply.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures import TimeoutError as FutureTimeout

from pipeline.manifest import InputFile
from pipeline.records import ErrorRow, FileOutput, FileResult
from pipeline.write import file_output

KILL_GRACE_S = 5.0  # how long past the time limit a worker gets to stop itself before it is killed
WINDOW_PER_WORKER = 2  # files in flight per worker: enough to keep each busy, few to hold
STOP_CHECK_S = 0.5  # how often a pool waiting for files looks whether the run was asked to stop
# The least default memory ceiling of a worker. A worker reading the sample corpus reserves
# up to about 0.7 GB of address space (the parent's modules and jieba's dictionary, PDFium,
# pyarrow's allocator), which RLIMIT_AS counts whether used or not: three times that.
MEMORY_FLOOR_MB = 2048


class StopRequested(BaseException):
    """The run was asked to stop (SIGTERM: pipeline.cli): it unwinds as from Ctrl-C, its
    staged rows dropped, its workers stopped, its lock released."""


def failed(item: InputFile, error_type: str, message: str, stage: str = "read") -> FileOutput:
    """The output of an input that gave nothing but its error row."""
    return file_output(FileResult(item.source_file, None,
                                  errors=(ErrorRow(item.source_file, stage, error_type, message),)))


def keep_pandas_out() -> None:
    """Makes an import of pandas fail in this process, unless it is imported already.

    pyarrow imports pandas at its first conversion of a list of values, only to see whether
    the list is a pandas object: 0.3-0.5 s at the start of every run that makes a table. A
    process that only extracts (a worker, the `gazette extract` command) has no use for it;
    pyarrow takes the failed import as pandas not installed. Not for a process that may
    want pandas later (the Python API): pyarrow does not try again."""
    if "pandas" not in sys.modules and not any(isinstance(f, _NoPandas) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoPandas())


class _NoPandas:
    """An import finder that makes `import pandas` raise ImportError (keep_pandas_out). A
    None in sys.modules would not do: pyarrow's compiled import then gets None, not an error."""

    def find_spec(self, name: str, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError(f"{name} is kept out of this process (pipeline.executors.keep_pandas_out)", name=name)
        return None


def start_worker(memory_limit_mb: int | None = None) -> None:
    """In each new worker process: its memory ceiling, and SIGTERM back to its default.

    The ceiling is RLIMIT_AS, the address space the process may map: past it an allocation
    fails at once (MemoryError, which process_file reports as memory_limit) instead of the
    machine swapping until the kernel kills something. It holds for the programs the
    worker starts too (tesseract needs well under 0.3 GB). SIGTERM: the command line makes
    it unwind the run (pipeline.cli.sigterm_stops), and a forked worker inherits that, but
    a worker SIGTERM reaches (the pool stopping it, systemd stopping the service) must end."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    keep_pandas_out()  # a worker makes Arrow tables of its rows (write.file_output)
    if memory_limit_mb:
        # The worker builds its rows' Arrow tables (write.file_output). Arrow's default
        # allocator (jemalloc) reserves large stretches of address space at its first use,
        # which RLIMIT_AS counts: under a ceiling of 1 GB it failed a 64-byte allocation.
        # The system allocator maps what it uses; these tables are small.
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        ceiling = memory_limit_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (ceiling if hard == resource.RLIM_INFINITY else min(ceiling, hard),
                                                hard))


def memory_ceiling_mb() -> int | None:
    """This process's memory ceiling (start_worker), in MB; None when it has none."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft >> 20


def default_memory_limit_mb(workers: int) -> int:
    """A worker's share of the machine's memory (of the container's, when it is held to
    less), at least MEMORY_FLOOR_MB."""
    return max(MEMORY_FLOOR_MB, (_machine_memory_mb() or 0) // max(workers, 1))


def _machine_memory_mb() -> int | None:
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 20
    except (ValueError, OSError):
        physical = None
    try:  # cgroup v2: a container's or a systemd unit's limit, "max" when it has none
        container = int(open("/sys/fs/cgroup/memory.max", encoding="ascii").read()) >> 20
    except (OSError, ValueError):
        container = None
    return min((m for m in (physical, container) if m), default=None)


def run_local(items: Sequence[InputFile], workers: int, *, pdf_engine: str,
              time_limit_s: float | None, ocr: str = "auto", memory_limit_mb: int | None = None,
              stop: threading.Event | None = None) -> Iterator[tuple[InputFile, FileOutput]]:
    """Read `items` in a pool of `workers` processes, each held to `memory_limit_mb` MB
    (start_worker; None: no ceiling); raise StopRequested soon after `stop` is set (a
    signal handler's request, which holds even when the exception the handler raised was
    lost: one raised while the pool forks a worker is ignored by Python). After the last
    file, the pool is left stopping: the caller waits for it with join_stopped_pools."""
    from pebble import ProcessExpired, ProcessPool

    from pipeline.run import read_input

    # fork: a worker starts in milliseconds with the modules already imported.
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    hard_limit = time_limit_s + KILL_GRACE_S if time_limit_s else None
    queue = iter(items)
    pool = ProcessPool(max_workers=workers, context=context, initializer=start_worker, initargs=(memory_limit_mb,))
    ceiling = f" (each worker may use {memory_limit_mb:,} MB: --memory-limit)" if memory_limit_mb else ""
    try:
        pending = {}

        def submit() -> None:
            item = next(queue, None)
            if item is not None:
                future = pool.schedule(read_input, args=(item.path, item.source_file),
                                       kwargs={"pdf_engine": pdf_engine, "time_limit_s": time_limit_s,
                                               "ocr": ocr},
                                       timeout=hard_limit)
                pending[future] = item

        for _ in range(workers * WINDOW_PER_WORKER):
            submit()
        while pending:
            done, _ = wait(pending, timeout=STOP_CHECK_S if stop else None, return_when=FIRST_COMPLETED)
            if stop is not None and stop.is_set():
                raise StopRequested
            for future in done:
                item = pending.pop(future)
                try:
                    result = future.result()
                except FutureTimeout:
                    result = failed(item, "time_limit", f"no result after {hard_limit:g} s (time limit "
                                    f"{time_limit_s:g} s): its worker was stopped")
                except ProcessExpired as exc:
                    result = failed(item, "worker_died", f"the process reading it died (exit code "
                                    f"{exc.exitcode}): out of memory{ceiling}, or a crash in a native library")
                except Exception as exc:  # a bug in the pool's plumbing, not in the input
                    result = failed(item, type(exc).__name__, f"{type(exc).__name__}: {exc}")
                yield item, result
                submit()
    except BaseException:
        # when the run stops early (an error, Ctrl-C), the files in flight are abandoned
        # rather than waited for
        pool.stop()
        pool.join()
        raise
    # every file is read: the pool's threads notice the stop within 0.1 s (pebble polls),
    # and are waited for once the tables are written (join_stopped_pools), not before
    pool.stop()
    _STOPPED_POOLS.append(pool)


_STOPPED_POOLS: list = []  # pools of run_local that read every file, stopping


def join_stopped_pools() -> None:
    """Wait until the pools run_local stopped after their last file are gone (workers
    ended): called once the run has written its tables, so that the wait overlaps them."""
    while _STOPPED_POOLS:
        _STOPPED_POOLS.pop().join()


def run_dask(items: Sequence[InputFile], scheduler: str, *, pdf_engine: str,
             time_limit_s: float | None, ocr: str = "auto") -> Iterator[tuple[InputFile, FileOutput]]:
    """Read `items` on the dask.distributed cluster whose scheduler is at `scheduler`
    (tcp://host:8786). Its workers must see the input paths (a shared file system) and
    have gazette installed."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise RuntimeError("--executor dask needs dask.distributed: pip install 'gazette[dask]'") from exc

    from pipeline.run import read_input

    queue = iter(items)
    with Client(scheduler) as client:
        window = max(1, sum(client.nthreads().values())) * WINDOW_PER_WORKER
        pending = {}

        def submit():
            item = next(queue, None)
            if item is None:
                return None
            future = client.submit(read_input, item.path.resolve(), item.source_file, pdf_engine=pdf_engine,
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
