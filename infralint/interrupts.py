"""Stopping cleanly: on SIGINT, SIGTERM or SIGHUP the run stops its workers and exits 128+signal.

`timeout`, CI cancellation and job runners send SIGTERM to the parent alone. A worker pool left
running keeps the output pipe open (a harness waiting for EOF hangs), and shutting the pool down
politely first finishes every queued file. So the parent turns the signal into an exception,
cancels what is queued and terminates the workers; the workers ignore the terminal's SIGINT
(the parent decides) and exit by themselves when the parent is gone, also after SIGKILL.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from contextlib import suppress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from types import FrameType

PARENT_POLL_SECONDS = 0.25
STOP_GRACE_SECONDS = 2.0
STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Terminated(BaseException):
    """The process received a stopping signal; unwinding runs every cleanup on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def exit_status(signum: int) -> int:
    return 128 + signum


def install_parent_handlers() -> None:
    """SIGTERM and SIGHUP raise Terminated in the main thread (SIGINT already raises
    KeyboardInterrupt). A signal that was ignored when we started (nohup) stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in STOPPING_SIGNALS:
        if signal.getsignal(signum) is signal.SIG_IGN:
            continue
        signal.signal(signum, _raise_terminated)


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    # One exception per run: a second signal during the unwinding must not interrupt cleanup.
    for other in STOPPING_SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    raise Terminated(signum)


def start_worker(parent_pid: int) -> None:
    """In a worker: the parent handles the terminal's SIGINT; exit when the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in STOPPING_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)  # a forked worker inherits the parent's handler
    watcher = threading.Thread(
        target=_exit_when_orphaned, args=(parent_pid,), name="infralint-parent-watch", daemon=True
    )
    watcher.start()


def _exit_when_orphaned(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(exit_status(signal.SIGTERM))  # nothing of ours to flush: results go to the parent


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel the queued work and end the workers now, without waiting for their chunks.
    (`ProcessPoolExecutor.terminate_workers` arrives only in Python 3.14.)"""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(STOP_GRACE_SECONDS)


def report(error: Terminated | KeyboardInterrupt) -> int:
    """Say what stopped the run, on stderr, and return the exit status."""
    signum = error.signum if isinstance(error, Terminated) else signal.SIGINT
    name = signal.Signals(signum).name
    print(f"infralint: stopped by {name} before the run finished", file=sys.stderr)
    return exit_status(signum)


def exit_now(status: int) -> None:
    """Exit a stopped run without the interpreter's shutdown: the stopped pool's helper threads
    would then write to pipes the dead workers closed, and Python prints what they raise
    ("Exception ignored in: <module 'threading'>") on stderr. Every `finally` has already run;
    what is left is flushing our own output."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed or broken pipe: nothing more to say
            stream.flush()
    os._exit(status)
