"""The document service behind the web app, the CLI and the Celery worker.

``Services`` (built by ``web.core.build_services``) reads inputs into documents, registers them,
queues their synthesis and runs it turn by turn; the manifest is the one owner of a document's
status. Its engines come from ``web.core.engines.Engines``. ``create_app`` puts it in
``app.extensions["bobao"]``.
"""

from __future__ import annotations

import base64
import logging
import shutil
import threading
import time
from collections.abc import Callable
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import reader
from audio import ClipCache
from audio import SpeechParams
from web.core import lifecycle
from web.core import narration
from web.core import readingrules
from web.core import storage
from web.core.backend import JobBackend
from web.core.documents import Claim
from web.core.documents import DocumentStore
from web.core.documents import make_doc_id
from web.core.engines import KNOWN_ENGINES  # noqa: F401 - kept importable from here
from web.core.engines import Engines
from web.core.engines import engine_stamp
from web.core.errors import Busy
from web.core.errors import InvalidRequest
from web.core.errors import TextTooLong
from web.core.jobs import JobRunner
from web.core.limits import check_text_chars
from web.core.manifest import Manifest
from web.core.progress import ThrottledSaver
from web.core.schedule import Lane
from web.core.schedule import ShouldYield
from web.core.schedule import lane_for
from web.core.schedule import work_order
from web.core.skipping import SkippingEngine
from web.core.skipping import max_skips_for
from web.core.skipping import note_skips

log = logging.getLogger(__name__)

DEMO_FILE = "jiangbei-2023-fazhi-report.txt"
FINAL = ("ready", "failed")
DOCUMENTS_KEPT = 32  # parsed documents a process keeps between turns (the rest are read again)


class Services(Engines):
    """Engines, cache, store and job runner for one app (or one CLI run)."""

    def __init__(
        self, config: Mapping[str, Any], *, cache_dir: Path, document_dir: Path, engines: tuple[str, ...]
    ):
        super().__init__(config, engines, voice_cache_path=document_dir.parent / "edge-voices.json")
        self.cache = ClipCache(cache_dir, max_bytes=config.get("AUDIO_CACHE_MAX_BYTES"))
        self.store = DocumentStore(document_dir)
        self.jobs: JobBackend = JobRunner(
            self.work,
            on_failure=self.fail,
            on_release=self._unclaim,
            workers=config.get("JOB_WORKERS", 1),
            queue_size=config.get("JOB_QUEUE_SIZE", 16),
            retry_after_s=config.get("JOB_RETRY_AFTER_S", 30),
        )
        self.demo_id: str | None = None
        # Called before new synthesis work is registered: the HTTP layer spends a client's quota here.
        self.before_new_work: Callable[[], None] = _no_limit
        self._create_lock = threading.Lock()
        self._documents: dict[str, reader.Document] = {}  # parsed once, kept between a job's turns
        self._claims: dict[str, Claim] = {}  # documents queued or running in this process's runner
        self._ready: set[str] = set()  # documents seen finished; their manifests are immutable

    def parse(
        self, kind: str, content: str, url: str | None = None, content_type: str | None = None
    ) -> reader.Document:
        """Read a stored input into a Document: ``text``, ``html``, or ``url``/``file`` (base64 bytes).

        The text limit applies to what was read, whatever the route (a small DOCX can hold millions).
        """
        document = self._read(kind, content, url, content_type)
        check_text_chars(document, int(self.config["MAX_TEXT_CHARS"]))
        return document

    def _read(self, kind: str, content: str, url: str | None, content_type: str | None) -> reader.Document:
        # Fetched pages are bounded by FETCH_MAX_BYTES instead (their markup is not text to read).
        if kind not in ("url", "file") and len(content) > int(self.config["MAX_TEXT_CHARS"]):
            raise TextTooLong(f"{len(content)} characters; the limit is {self.config['MAX_TEXT_CHARS']}")
        if kind == "text":
            document = reader.read_text(content)
        elif kind == "html":
            document = reader.read_html(content, url=url)
        elif kind in ("url", "file"):  # fetched or uploaded bytes, in base64
            data = base64.b64decode(content)
            document = reader.read_bytes(data, content_type=content_type, url=url)
        else:
            raise InvalidRequest(f"unknown input kind {kind!r}")
        return readingrules.apply_rules(document, self.reading_rules())

    def reading_rules(self) -> list[readingrules.ReadingRule]:
        """The site's reading rules (``web.core.readingrules``); a damaged file reads as none, loudly."""
        path = self.config.get("READING_RULES_PATH")
        if not path:
            return []
        try:
            return readingrules.read_rules(Path(path))
        except readingrules.InvalidRules as exc:
            log.error("the reading rules in %s cannot be used: %s", path, exc.problems)
            return []

    def create(
        self,
        kind: str,
        content: str,
        *,
        engine: str | None = None,
        voice: str | None = None,
        rate: object = None,
        url: str | None = None,
        content_type: str | None = None,
        listener: bool = True,
    ) -> Manifest:
        """Register a document and queue its synthesis; returns its manifest at once.

        A document already ready (same input, engine, voice, rate, normalizer) is returned as is.
        With ``listener`` someone waits to hear it from the start (a player, the widget, an API
        client), so its first sentence goes before all lookahead; without, it is background work.
        """
        tts = self.get_engine(engine)
        params = self.speech_params(tts, voice, rate)
        doc_id = make_doc_id(
            kind,
            content,
            engine=engine_stamp(tts),  # a new lexicon or model re-reads the page
            voice=params.voice,
            rate=params.rate,
            normalizer=self.normalizer_version(),
        )
        existed = self.store.exists(doc_id)
        if existed:
            manifest = self.store.load(doc_id)
            if manifest["status"] == "ready" or self._in_progress(doc_id):
                return manifest
        self.before_new_work()  # only new work is rate limited; ready documents are free
        document = self.parse(kind, content, url, content_type)
        where = reader.locate_sentences(content, document) if kind == "html" else None
        manifest = narration.new_manifest(
            doc_id, document, engine=tts.name, voice=params.voice, rate=params.rate, where=where
        )
        with self._create_lock:  # two identical requests at once: the second must not reset the first's
            if self._in_progress(doc_id):
                return self.store.load(doc_id)
            self.store.save_source(doc_id, kind, content, url, content_type)
            self.store.save(manifest)
            self._queue_new(doc_id, document, listener=listener, existed=existed)
        return manifest

    def _queue_new(self, doc_id: str, document: reader.Document, *, listener: bool, existed: bool) -> None:
        """Queue a just-registered document: its first sentence goes first when a listener waits."""
        if isinstance(self.jobs, JobRunner):  # Celery workers read the stored source instead
            self._keep_document(doc_id, document)
        spoken = (s.id for s in document.sentences() if s.spoken.strip())
        first = next(spoken, None) if listener else None
        if first is not None:
            self.jobs.record_demand(doc_id, first)
        try:
            self._submit(doc_id, Lane.NOW if first is not None else Lane.BACKGROUND)
        except Busy:
            with self._lock:
                self._documents.pop(doc_id, None)
            if not existed:  # refused (503): nothing may be left to resume, or a flood piles up
                shutil.rmtree(self.store.dir_for(doc_id), ignore_errors=True)
            raise

    def normalizer_version(self) -> str:
        """The normalizer's version, with the site's reading rules when there are any."""
        rules = readingrules.rules_version(self.reading_rules())
        return f"{reader.NORMALIZER_VERSION}+rules-{rules}" if rules else str(reader.NORMALIZER_VERSION)

    def manifest(self, doc_id: str, at: int | None = None) -> Manifest:
        """The stored manifest; ``at``: a listener is at that sentence and waits to hear it.

        The listener's position moves the document's work there (``web.core.schedule``). An unfinished
        manifest that nobody works on (after a restart) is queued again.
        """
        manifest = self.store.load(doc_id)
        if storage.failed_for_space(manifest, self.jobs.error(doc_id)) and not self._in_progress(doc_id):
            if not storage.writable(self.store.root):
                return storage.as_failed(manifest)  # not re-queued while the disk stays full
        elif manifest["status"] in FINAL:
            return manifest
        lane = Lane.BACKGROUND
        if at is not None:
            self.jobs.record_demand(doc_id, at)
            entries = narration.entries_of(manifest)
            spoken = [sid for sid, e in entries.items() if e["spoken"].strip()]
            waiting = [sid for sid in spoken if entries[sid]["clip"] is None]
            lane = lane_for(spoken, waiting, at)
            self.jobs.promote(doc_id, lane)
        if not self._in_progress(doc_id):
            try:
                self._submit(doc_id, lane)
            except Busy:
                log.warning("could not resume document %s: queue full", doc_id)
        return manifest

    def _submit(self, doc_id: str, lane: Lane) -> bool:
        """Queue ``doc_id``; with in-process jobs, first claim it so other server processes leave it be."""
        if not isinstance(self.jobs, JobRunner):
            return bool(self.jobs.submit(doc_id, lane))
        claim = self.store.claim(doc_id)
        if claim is None:
            return False  # another process has it queued or running
        with self._lock:
            self._claims[doc_id] = claim
        try:
            submitted = bool(self.jobs.submit(doc_id, lane))
        except BaseException:
            self._unclaim(doc_id)
            raise
        if not submitted:
            self._unclaim(doc_id)
        return submitted

    def _unclaim(self, doc_id: str) -> None:
        with self._lock:
            claim = self._claims.pop(doc_id, None)
        if claim is not None:
            claim.release()

    def is_active(self, doc_id: str) -> bool:
        """True while ``doc_id`` is queued or being synthesized, as its manifest's status says.

        The manifest is the one owner of a document's status: a final status there ("ready",
        "failed") wins over a job backend that has not cleared its own bookkeeping yet.
        """
        if not self.store.exists(doc_id) or self.store.load(doc_id)["status"] in FINAL:
            return False
        return self._in_progress(doc_id)

    def wait(self, doc_id: str, timeout_s: float) -> bool:
        """Block until ``doc_id``'s manifest has a final status or nobody works on it; False on timeout."""
        deadline = time.monotonic() + timeout_s
        self.jobs.wait(doc_id, timeout_s)
        while self.is_active(doc_id):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def ready_manifest_path(self, doc_id: str) -> Path | None:
        """The stored manifest file of a finished document, else None.

        A finished manifest never changes (its id covers input, engine version, voice, rate and
        normalizer), so it can be served as stored; the ids seen finished are remembered.
        """
        path = self.store.dir_for(doc_id) / "manifest.json"
        if doc_id in self._ready:
            return path
        if self.store.exists(doc_id) and self.store.load(doc_id)["status"] == "ready":
            with self._lock:
                self._ready.add(doc_id)
            return path
        return None

    def known_ready(self, doc_id: str) -> Path | None:
        """The manifest file of a document already seen finished (no file is read), else None."""
        return self.store.dir_for(doc_id) / "manifest.json" if doc_id in self._ready else None

    def _in_progress(self, doc_id: str) -> bool:
        """Queued here, or being synthesized by this or another process (its lock is held)."""
        return self.jobs.is_active(doc_id) or self.store.is_locked(doc_id)

    def resume(self, doc_id: str) -> bool:
        """Queue an unfinished document as background work (start-up resumes them all)."""
        return self._submit(doc_id, Lane.BACKGROUND)

    def work(self, doc_id: str, should_yield: ShouldYield) -> Lane | None:
        """One turn of ``doc_id``'s job: sentences in demand order until others should have a go.

        Returns the lane to queue the document in again, or None when nothing is left to do here
        (finished, or another process holds the document and will finish it, or the server is stopping:
        the document then stays unfinished and is resumed after the restart).
        """
        with self.store.lock(doc_id) as mine:
            if not mine:
                return None
            try:
                lifecycle.check_stop()  # picked from the queue while stopping: leave it for the restart
                with self.cache.hold():  # the clips this turn gets or puts stay while it runs
                    return self._turn(doc_id, should_yield)
            except lifecycle.StopRequested:
                log.info("document %s left for the restart", doc_id)
                return None

    def _turn(self, doc_id: str, should_yield: ShouldYield) -> Lane | None:
        manifest = self.store.load(doc_id)
        if manifest["status"] in FINAL:
            return None
        document = self._document(doc_id)
        items = narration.plan(document)
        # One unspeakable sentence is read as a pause; many mean a broken engine, and the page fails.
        skips_left = max_skips_for(len(items)) - len(manifest.get("skipped", ()))
        engine = SkippingEngine(self.get_engine(manifest["engine"]), max_skips=max(0, skips_left))
        params = SpeechParams(voice=manifest["voice"], rate=int(manifest["rate"]))
        save_progress = ThrottledSaver(self.store.save)  # O(n) saving; a turn's end saves for sure
        spoken = [item.sentence_id for item in items]
        sentences = {s.id: s for s in document.sentences()}
        if manifest["status"] != "synthesizing":
            narration.begin(manifest, items)
            self.store.save(manifest)
        turned = False
        while waiting := narration.pending(items, manifest):
            cursor = self.jobs.demand(doc_id)
            lane = lane_for(spoken, waiting, cursor)
            if turned and should_yield(lane):
                return self._end_turn(manifest, engine, lane)
            sentence = sentences[work_order(waiting, cursor)[0]]
            narration.speak_one(sentence, manifest, engine=engine, params=params, cache=self.cache,
                                in_pieces=lane == Lane.NOW, on_progress=save_progress)
            turned = True
        if turned and should_yield(Lane.BACKGROUND):
            # assembly waits for every sentence anybody waits for
            return self._end_turn(manifest, engine, Lane.BACKGROUND)
        narration.assemble_all(document, manifest, engine=engine, params=params, cache=self.cache,
                               out_dir=self.store.dir_for(doc_id))
        note_skips(manifest, engine.skipped)
        self._finish(manifest)
        return None

    def _end_turn(self, manifest: Manifest, engine: SkippingEngine, lane: Lane) -> Lane:
        """Save what this turn did (progress saves between sentences were throttled)."""
        note_skips(manifest, engine.skipped)
        self.store.save(manifest)
        return lane

    def fail(self, doc_id: str, error: BaseException) -> None:
        """Record that ``doc_id``'s job failed: the backend first, then the manifest (the status owner)."""
        with self._lock:
            self._documents.pop(doc_id, None)
        if lifecycle.stopping.is_set():  # a graceful stop, not a failure: it resumes after the restart
            return
        manifest = self.store.load(doc_id)
        manifest["status"] = "failed"
        manifest["error"] = storage.STORAGE_FULL if storage.is_disk_full(error) else type(error).__name__
        self.jobs.finishing(doc_id, error)
        self.store.save(manifest)  # on a full disk this fails too; manifest() tells from memory

    def _finish(self, manifest: Manifest) -> None:
        """Save a final manifest; the backend clears its "active" mark first, so no reader sees both."""
        with self._lock:
            self._documents.pop(manifest["id"], None)
        self.jobs.finishing(manifest["id"], None)
        self.store.save(manifest)

    def _document(self, doc_id: str) -> reader.Document:
        """The parsed document: kept from the request or an earlier turn, else read from its source."""
        with self._lock:
            document = self._documents.get(doc_id)
        if document is None:
            source = self.store.load_source(doc_id)
            document = self.parse(
                source["kind"], source["content"], source.get("url"), source.get("content_type")
            )
            self._keep_document(doc_id, document)
        return document

    def _keep_document(self, doc_id: str, document: reader.Document) -> None:
        with self._lock:
            self._documents[doc_id] = document
            while len(self._documents) > DOCUMENTS_KEPT:
                del self._documents[next(iter(self._documents))]

    def load_demo(self) -> Manifest:
        """Register the bundled sample page (once) and queue its synthesis; returns its manifest."""
        text = resources.files("web").joinpath("demo", DEMO_FILE).read_text(encoding="utf-8")
        manifest = self.create("text", text, listener=False)
        self.demo_id = manifest["id"]
        return manifest


def _no_limit() -> None:
    """Outside a request (the CLI, a worker, ``bobao build``) there is no client to limit."""
