"""The worker-pool helper: results in order whoever computed them, and a lost worker costs
time, never a result (real forked processes)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from editorial import workers


def _squares(chunk):
    return [n * n for n in chunk]


def _pid_and_square(chunk):
    return [(os.getpid(), n * n) for n in chunk]


def test_a_shared_pool_and_this_process_split_the_work_and_keep_the_order():
    pool = workers.pool(1)
    assert pool is not None, "these tests run on two cores, as CI does"
    try:
        pool.submit(_squares, [0]).result()  # the worker exists
        found = list(workers.share_chunks(_pid_and_square, list(range(400)), pool))
    finally:
        pool.shutdown()
    assert [square for _, square in found] == [n * n for n in range(400)]
    assert os.getpid() in {pid for pid, _ in found}, "this process took the chunks the worker had not started"


def test_a_lost_worker_costs_time_not_results():
    pool = workers.pool(1)
    assert pool is not None
    try:
        pid = pool.submit(os.getpid).result()
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(Exception):  # noqa: B017 - whichever way the pool reports it
            pool.submit(os.getpid).result(timeout=30)
        assert list(workers.share_chunks(_squares, list(range(50)), pool)) == [n * n for n in range(50)]
        assert list(workers.map_chunks(_squares, list(range(50)), executor=pool)) == [n * n for n in range(50)]
    finally:
        pool.shutdown()


def _comm() -> str:
    with open("/proc/self/comm", encoding="ascii") as comm:
        return comm.read().strip()


def test_a_worker_goes_by_its_pool_s_name_and_leaves_when_its_parent_is_gone():
    """`top` and the benchmark tell the workers apart by name; a worker whose parent was killed
    (here: a process that starts a pool, then is killed outright) exits by itself."""
    pool = workers.pool(1, "editorial-test")
    assert pool is not None
    try:
        assert pool.submit(_comm).result() == "editorial-test"
    finally:
        pool.shutdown()
    read, write = os.pipe()
    parent = os.fork()
    if parent == 0:  # the parent-to-be-killed: it starts a worker and says which, then waits
        try:
            os.close(read)
            own = workers.pool(1)
            os.write(write, str(own.submit(os.getpid).result() if own else 0).encode())
            os.close(write)
            signal.pause()
        finally:
            os._exit(0)
    os.close(write)
    worker = int(os.read(read, 32))
    assert worker, "the forked process could start no worker"
    os.close(read)
    os.kill(parent, signal.SIGKILL)
    os.waitpid(parent, 0)
    deadline = time.monotonic() + 10
    while workers.running(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = workers.running(worker)
    if left:  # never leave it behind: it holds this run's output open
        os.kill(worker, signal.SIGKILL)
    assert not left, "the orphaned worker is still running"
