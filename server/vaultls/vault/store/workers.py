"""Worker processes that run vaultls functions, started so that nothing in a vault can run.

A vault may come from a stranger, and vaultls is often started with the vault as its working
folder (an editor does that, and so does `vaultls check` in CI). `multiprocessing`'s "spawn"
starts each worker as `python -c …` in the parent's working folder, and `-c` puts that folder
first on `sys.path`: a `multiprocessing.py` (or `yaml.py`, `sqlite3.py`, …) in the vault would
be imported, and run, in every worker. So workers are started here instead, with every layer
that applies:

- `python -I -S`: isolated mode puts neither the working folder nor a script's folder on
  `sys.path` and ignores `PYTHON*` variables, on every supported Python (3.10 has no `-P`);
- the module path is the parent's, given explicitly before anything else is imported, less
  the entries that name the working folder (`''`, relative ones, the folder itself);
- the working folder of a worker is the vaultls package's own folder, never the vault (on
  Windows the working folder is also searched for DLLs);
- the entry point is `vaultls.vault.store.workers.serve`, which needs nothing from the launching
  program (no re-run of its `__main__`, unlike "spawn").

A worker reads pickled calls on its stdin and writes pickled results on a private copy of its
stdout (the real stdout then points at stderr, so a stray print cannot corrupt the channel).
Only functions of the vaultls package can be called.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import importlib
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import IO, Any

import vaultls
from vaultls.vault.store.syspath import safe_sys_path

_HEADER = struct.Struct("!Q")
_PACKAGE = "vaultls"
# The vaultls package's own folder, and the folder it was imported from.
_PACKAGE_FOLDER = os.path.dirname(os.path.abspath(vaultls.__file__))
_PACKAGE_ROOT = os.path.dirname(_PACKAGE_FOLDER)


def worker_command(path: list[str] | None = None) -> list[str]:
    """The command line of one worker (see the module docstring)."""
    entries = safe_sys_path(path)
    if _PACKAGE_ROOT not in entries:
        entries.insert(0, _PACKAGE_ROOT)  # the vaultls being run, wherever it was imported from
    boot = f"import sys; sys.path[:] = {entries!r}; from {__name__} import serve; serve()"
    return [sys.executable, "-I", "-S", "-c", boot]


def worker_folder() -> str:
    """The working folder of a worker: vaultls's own package folder."""
    return _PACKAGE_FOLDER


def _send(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("the worker closed its channel")
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the worker closed its channel mid-answer")
    return pickle.loads(data)  # noqa: S301 - written by our own worker


def serve() -> None:
    """A worker's main loop: answer calls until the parent closes stdin."""
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    calls = sys.stdin.buffer
    while True:
        try:
            module, name, args = _receive(calls)
        except EOFError:
            return
        try:
            if module != _PACKAGE and not module.startswith(_PACKAGE + "."):
                raise ValueError(f"workers run vaultls functions only, not {module}.{name}")
            result = (True, getattr(importlib.import_module(module), name)(*args))
        except KeyboardInterrupt:
            return  # the parent was interrupted too, and says so
        except Exception as exc:  # noqa: BLE001 - sent to the parent, which decides
            result = (False, exc)
        try:
            _send(channel, result)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            _send(channel, (False, RuntimeError(f"the worker's answer could not be sent: {exc!r}")))
        except (BrokenPipeError, OSError):
            return


class WorkerPool(concurrent.futures.Executor):
    """`workers` processes, each fed by a thread of this process from one queue of calls.
    `niceness` is added to the workers' CPU niceness so that the process that started them (a
    server answering its editor) wins a core over them. A worker that dies fails its call with
    `BrokenProcessPool`; the rest of the queue goes to the others, or fails when none is left."""

    def __init__(self, workers: int, niceness: int = 0) -> None:
        self._calls: queue.SimpleQueue[tuple[concurrent.futures.Future[Any], str, str, tuple[Any, ...]] | None]
        self._calls = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._alive = 0
        self._closed = False
        self._threads: list[threading.Thread] = []
        self.pids: list[int] = []  # of the worker processes, for the log
        command, folder = worker_command(), worker_folder()
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        for number in range(workers):
            process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=folder, creationflags=flags
            )
            self.pids.append(process.pid)
            if niceness and hasattr(os, "setpriority"):
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, process.pid, os.getpriority(os.PRIO_PROCESS, 0) + niceness)
            thread = threading.Thread(target=self._feed, args=(process,), name=f"vaultls-worker-{number}", daemon=True)
            self._alive += 1
            self._threads.append(thread)
            thread.start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        if kwargs:
            raise TypeError("WorkerPool calls take positional arguments only")
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is shut down")
            if self._alive == 0:
                future.set_exception(BrokenProcessPool("no worker process is left"))
                return future
            self._calls.put((future, fn.__module__, fn.__name__, args))
        return future

    def _feed(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None and process.stdout is not None
        try:
            while True:
                call = self._calls.get()
                if call is None:
                    return
                future, module, name, args = call
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    _send(process.stdin, (module, name, args))
                    ok, value = _receive(process.stdout)
                except (OSError, EOFError, pickle.UnpicklingError, ValueError) as exc:
                    future.set_exception(BrokenProcessPool(f"a worker process stopped ({exc})"))
                    return
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
        finally:
            self._retire(process)

    def _retire(self, process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(OSError):
            process.stdin.close()  # type: ignore[union-attr]  # EOF: the worker exits
        with self._lock:
            self._alive -= 1
            last = self._alive == 0
        if last:  # nobody is left to take the queued calls
            self._drain(BrokenProcessPool("no worker process is left"))
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with contextlib.suppress(OSError):
            process.stdout.close()  # type: ignore[union-attr]

    def _drain(self, error: BaseException | None) -> None:
        while True:
            try:
                call = self._calls.get_nowait()
            except queue.Empty:
                return
            if call is None:
                continue
            future = call[0]
            if error is None:
                future.cancel()
            elif future.set_running_or_notify_cancel():
                future.set_exception(error)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if cancel_futures:
            self._drain(None)
        for _ in self._threads:
            self._calls.put(None)
        if wait:
            for thread in self._threads:
                thread.join()
