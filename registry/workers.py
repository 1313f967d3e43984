"""Studies read in worker processes: ``import`` and ``sync`` read the criteria of many
studies, each on its own (the rule of a criterion depends on its text, its kind and the
day only), so a run's studies are read by ``workers`` processes and handed back in the
input order; what is stored is the same as one process reading them one after another.

The workers are forked from this process after the language pipeline is built (and the
criteria reader warmed up), so none builds it again. They end with the run. Where the
platform cannot fork, or for one worker or one study, the studies are read in this
process as before.

A study that cannot be read raises its ``DataError`` (naming the file or page and the
field) in this process, in the input order: the first bad study of the run, exactly as a
one-process run raises it; the studies not started are dropped. A worker that dies (killed,
out of memory) ends the run with a ``DataError`` too, never a wait for a result that cannot
come.
"""
from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import signal
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator

from data.errors import DataError
from registry.criteria_text import RuleParser, default_rule_parser

# the reader the forked workers read with: set before they are forked, never sent (a
# run's reader is a closure with its memo, which cannot be pickled)
_parse: RuleParser | None = None

WARM_UP = ("Age 18 years or older with a diagnosis of systemic lupus erythematosus", "inclusion")


def default_workers() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:          # (no sched_getaffinity: macOS, Windows)
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


# the garbage collector's thresholds while studies are read (never lowered below the
# process's own): reading a criterion makes thousands of short-lived objects (tokens, spans,
# matches, facts), nearly all freed by reference counting; with CPython's 700 the collector
# ran ~500 times over the 241 bundled records' reading, scanning objects about to die, and
# its full collections walked the whole language pipeline (0.3-0.6 s of ~12 s of CPU; with
# these 0.1 s; round 22, h101). The records read are the same: it only decides when
# unreachable cycles are freed.
READING_GC = (20_000, 10, 100)


def _worker_started() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is the parent's to handle
    # what the worker inherited (the pipeline, the terminology) lives as long as it does:
    # kept out of its garbage collections, which would walk (and copy) every inherited page
    gc.freeze()
    gc.set_threshold(*_reading_thresholds(gc.get_threshold()))   # a worker only reads


def _reading_thresholds(current: tuple[int, ...]) -> tuple[int, ...]:
    """``READING_GC``, each generation's threshold kept where the process's is higher (the
    bot's own, ``bot.collaborators.GC_THRESHOLDS``); 0 (collection off) stays 0."""
    return tuple(mine if now and now < mine else now for now, mine in zip(current, READING_GC))


def _run(job: tuple[Callable[..., Any], tuple]) -> Any:
    function, args = job
    return function(*args, _parse)


class Readers:
    """``with Readers(parse, workers) as readers: readers.map(jobs)``: each job
    ``(function, args)`` is ``function(*args, parse)`` (a module-level function, its
    arguments plain data), run by a worker; the results come back in the jobs' order.
    ``workers`` <= 1 (or no fork): run here, one after another."""

    def __init__(self, parse: RuleParser, workers: int):
        self.parse = parse
        self.workers = workers if workers > 1 and can_fork() else 1
        self._pool = None

    def __enter__(self) -> "Readers":
        self._thresholds = gc.get_threshold()
        gc.set_threshold(*_reading_thresholds(self._thresholds))   # (READING_GC), until the run ends
        return self

    def __exit__(self, kind, value, traceback) -> None:
        gc.set_threshold(*self._thresholds)
        self.close(failed=kind is not None)

    def start(self) -> None:
        """Fork the workers now (``map`` does when it is first given a job): before this
        process starts threads of its own."""
        if self.workers > 1:
            self._started()

    def _started(self) -> ProcessPoolExecutor:
        global _parse
        if self._pool is None:
            _warm_up(self.parse)
            _parse = self.parse
            try:
                pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"),
                                           initializer=_worker_started)
                self._pool = pool
                pool.submit(int).result()     # every worker is forked at the first job: now, with the reader set
            except BrokenProcessPool:
                raise DataError("reading", "the worker processes could not start; try --workers 1") from None
            finally:
                _parse = None
        return self._pool

    def close(self, failed: bool = False) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # after a failure (a bad study, Ctrl-C) the jobs not started are dropped; the few a
        # worker is in the middle of end first
        pool.shutdown(wait=True, cancel_futures=failed)

    def map(self, jobs: Iterable[tuple[Callable[..., Any], tuple]]) -> Iterator[Any]:
        """Each job's result, in the jobs' order; a job that raised raises here, at its
        place (the jobs after it are not waited for)."""
        if self.workers == 1:
            for function, args in jobs:
                yield function(*args, self.parse)
            return
        pool = self._started()
        pending: deque = deque()
        jobs, failure = iter(jobs), None
        while True:
            try:
                job = next(jobs)
            except StopIteration:
                break
            except Exception as exc:     # (a file that cannot be read: raised after the studies before it)
                failure = exc
                break
            pending.append(pool.submit(_run, job))
            while pending and pending[0].done():
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
        if failure is not None:
            raise failure


def _result(future) -> Any:
    try:
        return future.result()
    except BrokenProcessPool:
        raise DataError("reading", "a worker process ended unexpectedly (out of memory?); nothing was "
                                   "written: try again, or with --workers 1") from None


def peek(jobs: Iterator, count: int) -> tuple[list, Iterator]:
    """The first ``count`` jobs (fewer when there are no more) and an iterator of all of
    them; a job that could not be made (a bad file) raises from that iterator at its place,
    after the jobs before it."""
    head: list = []
    try:
        for job in jobs:
            head.append(job)
            if len(head) == count:
                break
    except Exception as exc:
        return head, _then_raise(head, exc)
    return head, itertools.chain(head, jobs)


def _then_raise(head: list, failure: Exception) -> Iterator:
    yield from head
    raise failure


def _warm_up(parse: RuleParser) -> None:
    """Whatever the reader builds on first use, built before the workers are forked: the
    language pipeline (with the build cache the run set), the terminology, the cues. A
    reader of the caller's own (tests) is not called."""
    reader = getattr(parse, "__wrapped__", parse) or default_rule_parser()
    if reader is default_rule_parser():
        reader(*WARM_UP)
