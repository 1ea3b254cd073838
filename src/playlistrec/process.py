"""Process lifecycle: a stage and its worker processes end, and clean up, when asked to or when their parent ends.

Killing `dvc repro` must not leave work running or half-written files behind. DVC starts a stage with
``$SHELL -c``, which execs the one command, so the stage is DVC's own child; DVC ends on SIGTERM without
passing it on. Hence:

- `run_stage(main)` (every stage script's entry point) asks Linux to send the stage SIGTERM when its parent
  ends (``prctl(PR_SET_PDEATHSIG)``), and turns SIGTERM into `Interrupted`, a SystemExit, so `finally`
  blocks run (`playlistrec.io.atomic_path` removes its temporary folder) and the stage ends with one line,
  not a traceback; Ctrl-C (KeyboardInterrupt) ends the same way.
- `worker_pool(n)` is a process pool whose workers get SIGKILL when their parent ends (even by SIGKILL),
  leave Ctrl-C to the parent, and keep the default SIGTERM (they write nothing, so they need no cleanup).
- `process_tag(pid)` tells a running process from a gone one (or a reused pid), so that a temporary folder
  left by a SIGKILLed writer can be recognised and removed by the next run.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_IS_LINUX = sys.platform.startswith("linux")


class Interrupted(SystemExit):
    """Raised in the main thread when the process is asked to end by a signal; exit status 128 + signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


def die_with_parent(sig: int = signal.SIGTERM, parent: int | None = None) -> None:
    """Have Linux send `sig` to this process when its parent ends (elsewhere: do nothing).

    `parent` is the pid the parent should have (default: the current parent); when it has already
    ended before the request took effect, `sig` is sent now.
    """
    if not _IS_LINUX:
        return
    expected = os.getppid() if parent is None else parent
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0 and os.getppid() != expected:
        os.kill(os.getpid(), sig)


def _raise_interrupted(signum: int, _: FrameType | None) -> None:
    """Signal handler: end the main thread with `Interrupted`; a repeat of the signal cannot cut the cleanup short."""
    signal.signal(signum, signal.SIG_IGN)
    raise Interrupted(signum)


def run_stage(main: Callable[[], int | None]) -> int:
    """Run a stage's `main` so that it ends cleanly on SIGTERM, Ctrl-C or its parent's end; return the exit status.

    Interruptions print one line on stderr (``<stage>: stopped by SIGTERM``) and return 128 + the signal.
    """
    die_with_parent()
    signal.signal(signal.SIGTERM, _raise_interrupted)
    try:
        return main() or 0
    except (Interrupted, KeyboardInterrupt) as stop:
        signum = stop.signum if isinstance(stop, Interrupted) else signal.SIGINT
        print(f"{Path(sys.argv[0]).stem}: stopped by {signal.Signals(signum).name}", file=sys.stderr)
        return 128 + signum


def _init_worker(parent: int) -> None:
    """Pool worker setup: die with the parent, leave Ctrl-C to it, and end at once on SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker would inherit run_stage's handler
    die_with_parent(signal.SIGKILL, parent)


@contextmanager
def worker_pool(max_workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers end with this process, even when it is SIGKILLed.

    Workers are forked on Linux (so their parent is this process, which `die_with_parent` checks). When
    the block ends with an exception (an interruption included), queued tasks are cancelled rather than
    run, so only the tasks already running are waited for.
    """
    context = multiprocessing.get_context("fork") if _IS_LINUX else None
    pool = ProcessPoolExecutor(max_workers, mp_context=context, initializer=_init_worker, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def process_tag(pid: int) -> str | None:
    """``"<pid> <start time>"`` of a running process, or None when none runs (a reused pid has another start time).

    The start time comes from /proc (Linux); elsewhere the tag is the pid alone, checked with signal 0.
    """
    if not _IS_LINUX:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass  # it runs, as another user
        return str(pid)
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return f"{pid} {stat.rsplit(')', 1)[1].split()[19]}"  # field 22 (start time), counted after the name
