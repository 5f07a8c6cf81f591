"""The worker-pool helper: results in order whoever computed them, and a lost worker costs
time, never a result (real forked processes)."""

from __future__ import annotations

import os
import signal

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
