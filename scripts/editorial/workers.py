"""The one worker-pool helper: the single place that decides when work uses both cores.

A task list of PARALLEL_FROM items or more runs in forked worker processes, in chunks, and
the results come back in the order of the items; a smaller one (or a machine with one core,
or one where processes cannot be forked) runs here, in this process. Forking shares what
this process has loaded (the schemas, the prepared audit) instead of loading it again.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_FROM = 300  # items; below this, starting processes costs more than it saves
CHUNK = 250  # items a worker handles per task
# Items per task when this process shares the work of a pool: small, so that the two finish
# within a task of each other.
SHARED_CHUNK = (10, 100)


def count() -> int:
    """Worker processes to use: one per core, at most two (the machines we run on have two)."""
    return max(1, min(2, os.cpu_count() or 1))


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def pool(processes: int | None = None, name: str = "editorial-work") -> Executor | None:
    """A pool of forked workers (`processes` of them, one per core by default), or None on a
    machine with one core or without fork: the caller then does the work itself. `name`: what
    `top` and `ps -o comm` call its processes (at most 15 characters, on Linux)."""
    if count() < 2 or not can_fork():
        return None
    try:
        return ProcessPoolExecutor(
            processes or count(),
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start,
            initargs=(os.getpid(), name),
        )
    except (OSError, ValueError):
        return None


def started(name: str) -> Executor | None:
    """A pool of one worker named `name`, forked now (a pool forks its process on its first
    task, and a worker forked later holds a copy of what this process holds by then); None when
    it cannot be had: the caller then works without it."""
    one = pool(1, name)
    if one is not None:
        try:
            one.submit(int).result()
        except Exception:  # noqa: BLE001 - no worker: the caller does without
            one.shutdown(wait=False)
            return None
    return one


def fork(target: Callable[..., object], args: tuple, name: str) -> multiprocessing.process.BaseProcess | None:
    """`target(*args)` in a process forked now for that alone, named `name` and leaving with
    this one (as a pool's workers do); None on a machine with one core or without fork."""
    if count() < 2 or not can_fork():
        return None
    try:
        process = multiprocessing.get_context("fork").Process(
            target=_run, args=(os.getpid(), name, target, args), daemon=True
        )
        process.start()
    except OSError:
        return None
    return process


def _run(parent: int, name: str, target: Callable[..., object], args: tuple) -> None:
    _start(parent, name)
    target(*args)


def running(pid: int) -> bool:
    """Whether process `pid` still runs. A process that ended but is not yet reaped does not
    (Linux's /proc says so); someone else's process, or a number no process has, is taken as
    running, so that nothing of it is touched."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


WATCH = 0.5  # seconds between a worker's looks at the process that started it


def _start(parent: int, name: str) -> None:
    """In each worker, as it starts: its name, so that a process list says which worker is
    which (the benchmark's memory by process reads it), and a watch on the process that started
    it: the worker exits once that one is gone. A build killed outright (SIGKILL, the OOM
    killer) cannot stop its workers, and a worker waiting for work would wait for ever,
    holding what it holds (gigabytes, for the audit's worker of a large site)."""
    try:
        with open("/proc/self/comm", "w", encoding="ascii") as comm:  # Linux only; elsewhere unnamed
            comm.write(name[:15])
    except OSError:
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH)
        os._exit(1)

    threading.Thread(target=watch, name="editorial-leave-with-parent", daemon=True).start()


def map_chunks(
    function: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> Iterator[R]:
    """`function` over chunks of `items`, yielding one result per item in their order.

    `function` takes a chunk and returns a list of results of the same length; it must be
    a module-level function (it is sent to a worker by name) or a partial of one. `executor`:
    a pool the caller started (and shuts down), used whatever the size; else one of this call's
    own for many items. A pool that breaks (a lost worker) costs time, not results: its chunks
    run here."""
    chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
    own = pool() if executor is None and len(items) >= PARALLEL_FROM else None
    futures = _submit(executor or own, function, chunks)
    done = 0
    try:
        for index, chunk in enumerate(chunks):
            yield from _result(futures, index, function, chunk)
            done += len(chunk)
            if progress:
                progress(done)
    finally:
        if own is not None:
            own.shutdown(wait=False, cancel_futures=True)


def share_chunks(function: Callable[[Sequence[T]], list[R]], items: Sequence[T], executor: Executor) -> Iterator[R]:
    """As map_chunks on a pool the caller has, with this process working too: the chunks go to
    `executor` front first; this process works from the back, taking each chunk the pool has
    not started, until the two meet, so both work until the end."""
    size = max(SHARED_CHUNK[0], min(SHARED_CHUNK[1], len(items) // 32))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    futures = _submit(executor, function, chunks)
    here: dict[int, list[R]] = {}
    for index in reversed(range(len(futures))):
        if not futures[index].cancel():
            break  # the pool has started this one, and so every one before it
        here[index] = function(chunks[index])
    for index, chunk in enumerate(chunks):
        yield from here[index] if index in here else _result(futures, index, function, chunk)


def _submit(
    executor: Executor | None, function: Callable[[Sequence[T]], list[R]], chunks: list[Sequence[T]]
) -> list[Future[list[R]]]:
    if executor is None:
        return []
    try:
        return [executor.submit(function, chunk) for chunk in chunks]
    except Exception:  # noqa: BLE001 - a pool already broken (a lost worker): all of it here
        return []


def _result(
    futures: list[Future[list[R]]], index: int, function: Callable[[Sequence[T]], list[R]], chunk: Sequence[T]
) -> list[R]:
    if futures:
        try:
            return futures[index].result()
        except Exception:  # noqa: BLE001 - a broken pool or a lost worker: do it here
            pass
    return function(chunk)
