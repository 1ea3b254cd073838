"""How many workers (threads or processes) a parallel step may use: the CPUs this process may run on, capped."""

from __future__ import annotations

import os

# Threads for chunked NumPy/SciPy work: sorts and sparse kernels release the GIL, so chunks scored in threads
# run in parallel (about 1.9x on 2 cores); beyond 8 the chunks' memory grows faster than the gain.
THREAD_LIMIT = 8


def worker_count(limit: int = THREAD_LIMIT) -> int:
    """The CPUs this process may use (its affinity, not the machine's count), at least 1 and at most `limit`."""
    return max(1, min(limit, len(os.sched_getaffinity(0))))
