"""The engine's real collaborators, imported only when first needed (spaCy and the
matching engine are heavy): extraction, matching, next-question choice, the trials in
the store, the gazetteer, and the retention setting.

The engine's ``next_question`` collaborator has the signature
``next_question(results, profile, exclude) -> Question | None`` where ``exclude`` holds
the question keys already asked, answered or left open (the real one also takes
``audience``, "patient" or "clinician": who answers, as the priors of answering differ).
"""
from __future__ import annotations

import gc
import threading
import time
from typing import Any, Callable

from data.settings import setting

DEFAULT = object()   # "use the real collaborator" (None means "none", e.g. no gazetteer)


def real_extract() -> Callable[..., list]:
    if _preloading is not None:
        _preloading.wait()             # never build the pipeline twice at once
    from nlp.pipeline import extract  # start-up: loaded on first use or by the background preload

    return extract


def real_match() -> Callable[..., list]:
    """matching.engine.match, on the candidates pruned from the store's trials when given
    the store's catalog, with recent results remembered (matching/pruned.py)."""
    from matching.pruned import match  # start-up: loaded on first use or by the background preload

    return match


def real_next_question() -> Callable[..., Any]:
    from matching import pruned  # start-up: loaded on first use or by the background preload

    def next_question(results: list, profile: Any, exclude: set[str], audience: str = "patient") -> Any:
        return pruned.next_question(results, asked=exclude, audience=audience)

    return next_question


def real_find_question() -> Callable[[list, str], Any]:
    """matching's look-up of a pending question among the trials questions are chosen for."""
    from matching.questions import find_question  # start-up: loaded on first use or by the background preload

    return find_question


def scan_questions(results: list, key: str) -> Any:
    """The open question with ``key`` of the first still-possible trial asking it, among
    all of them (for matchers other than trialbot's own, e.g. test doubles)."""
    from matching.questions import find_question  # start-up: loaded on first use or by the background preload

    return find_question(results, key, limit=len(results))


def real_confirm_question() -> Callable[[str], Any]:
    """matching's question for a key (it reads typed answers: "15 x10^9/L", "45")."""
    from matching.questions import build_question  # start-up: loaded on first use or by the background preload

    return build_question


def store_trials(db: Any) -> Callable[[], Any]:
    """The trials in the store, after bringing the bundled ones up to date: a catalog
    (matching/cache.py) that prunes candidates in SQLite and parses records once, instead
    of every record in memory."""

    def load() -> Any:
        from data.store import sync_bundled  # start-up: the store only for commands that open it
        from matching.catalog import TrialCatalog  # start-up: loaded on first use or by the background preload

        sync_bundled(db)   # a no-op when the bundled trials are current
        return TrialCatalog(db)

    return load


def real_gazetteer() -> Any:
    from bot.geo import load_gazetteer  # start-up: loaded on first use or by the background preload

    return load_gazetteer()


def retention_days() -> int:
    try:
        return max(1, int(setting("retention_days") or 30))
    except ValueError:
        return 30


class Preload:
    """Loads the slow parts in a background thread while the transport starts, so the
    first reply does not wait for them: the spaCy/medspaCy pipeline and the matching
    modules (``wait()`` returns when they are ready, raising what loading raised), then the
    gazetteer's index (built under its own lock; only a location needs it) and every stored
    trial's plan (``Engine.preload_trials``). ``nlp_cache``:
    the pipeline's build cache file (nlp/build_cache.py; beside the database).
    ``extraction``: an ``nlp.extraction_process.ExtractionProcess`` building the pipeline
    in a process of its own; then this thread only waits for it."""

    def __init__(self, engine: Any, nlp_cache: Any = None, extraction: Any = None):
        self.engine = engine
        self.nlp_cache = nlp_cache
        self.extraction = extraction
        self.error: BaseException | None = None
        self.seconds: float | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="trialbot-preload", daemon=True)

    def start(self) -> "Preload":
        self._thread.start()
        return self

    def _run(self) -> None:
        started = time.perf_counter()
        gazetteer = None
        # Loading allocates ~170,000 container objects and leaves almost no garbage (the
        # cyclic collector's ~250 passes find ~2,500): those passes cost a tenth of it.
        collecting = gc.isenabled()
        gc.disable()
        try:
            gazetteer = self.engine.gazetteer      # the engine's instance, before anyone else asks
            if self.extraction is None:
                from nlp.pipeline import build_pipeline, extract  # start-up: loaded on first use or by the background preload

                build_pipeline(self.nlp_cache)
                extract("warm up")
            # start-up: the matcher only once a turn matches
            # start-up: the real collaborators load on first use or in the background preload
            import matching.pruned, matching.engine, matching.questions  # noqa: E401,F401
            if self.extraction is not None:
                self.extraction.wait()
        except BaseException as exc:               # handed to wait()
            self.error = exc
        finally:
            if collecting:
                gc.enable()
            self.seconds = time.perf_counter() - started
            self._done.set()
        if gazetteer is not None and self.error is None:
            try:
                gazetteer.locate("warm up")
            except Exception:                      # a location lookup will say what is wrong
                pass
        if self.error is None:
            try:
                # every stored trial's plan and the in-memory pruning index (turns prune in
                # SQL until it is ready), then everything long-lived is kept out of later
                # garbage collections
                self.engine.preload_trials()
            except Exception:                      # matching falls back to SQL; the turn says what is wrong
                pass
            settle()

    def wait(self) -> None:
        self._done.wait()
        if self.error is not None:
            raise self.error

    def finish(self, timeout: float = 60.0) -> None:
        """Wait (at most ``timeout`` seconds) for the whole preload, trials included: a
        store closed while it still reads keeps the checkpoint from copying a /forget into
        the database file (the forgotten words stay on disk until the next start)."""
        if self._thread.is_alive():
            self._thread.join(timeout)


_preloading: Preload | None = None


def preload(engine: Any, nlp_cache: Any = None, extraction: Any = None) -> Preload:
    """Start loading the engine's slow collaborators in the background (see ``Preload``);
    the extractor is handed out only once loading finished."""
    global _preloading
    _preloading = Preload(engine, nlp_cache, extraction).start()
    return _preloading


GC_THRESHOLDS = (20_000, 10, 100)  # a young collection ~30x rarer than CPython's 700, a full one 10x (see settle)


def settle() -> None:
    """Once everything long-lived is loaded (pipeline, plans, gazetteer): keep it out of
    every later garbage collection. Each turn allocates per candidate trial; a full
    collection would otherwise walk the plans and the NLP pipeline again and again. A full
    collection still walks the memos that turns fill (~30 ms at 10,000 trials, landing on
    one turn) while finding almost nothing (~55 objects per pass over 198 benchmark turns:
    the turns' garbage is freed by reference counting), so it runs 10x less often. A young
    collection waits for 20,000 new objects instead of 700: a turn at 10,000 trials makes
    ~10,000 results and their memos, most freed by reference counting within the turn, and
    with 700 the collector ran 10-18 times in each such turn, scanning objects about to die
    (1-4 ms of a turn's CPU; with 20,000 half the collector's time over the benchmark turns,
    most heavy turns none, ~5 ms on the few a collection lands on)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
