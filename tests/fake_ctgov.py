"""A fake ClinicalTrials.gov API v2 for tests: ``GET /api/v2/studies`` on 127.0.0.1 (a random
port, in a thread) serving real study JSON (``/work/shared/ctgov``, ../shared/ctgov from the
checkout), with the API's paging (``pageSize``, ``pageToken`` → ``nextPageToken``,
``countTotal`` → ``totalCount``), ``filter.overallStatus`` and
``filter.advanced=AREA[LastUpdatePostDate]RANGE[date,MAX]``, and injectable faults per page:
answers to give before the real one (``fail(page, 500)``, ``fail(page, 429, retry_after="7")``),
a page that always fails (``fail_always(page)``), a malformed body (``malform(page, body)``).

    with FakeCtgov(studies) as api:
        client = CtgovClient(api.base_url, sleep=waits.append)

Every request is kept in ``api.requests`` (its query parameters as a dict), so tests can see
what a run asked for. Pages are numbered from 1 in the order the run asks for them: page n
starts at study ``(n - 1) * pageSize`` of the filtered list.
"""
from __future__ import annotations

import copy
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

SHARED_CTGOV = Path(__file__).resolve().parents[2] / "shared" / "ctgov"
_RANGE = re.compile(r"^AREA\[LastUpdatePostDate\]RANGE\[(\d{4}-\d{2}-\d{2}),MAX\]$")


def shared_studies(limit: int | None = None, names: list[str] | None = None) -> list[dict]:
    """Real studies from the shared folder (sorted by NCT number), or [] when it is absent."""
    if not SHARED_CTGOV.is_dir():
        return []
    files = sorted(SHARED_CTGOV.glob("NCT*.json"))
    if names is not None:
        files = [f for f in files if f.stem in names]
    studies = [json.loads(f.read_text(encoding="utf-8")) for f in files[:limit]]
    return studies


def nct(study: dict) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]


def status_module(study: dict) -> dict:
    return study["protocolSection"]["statusModule"]


class FakeCtgov:
    def __init__(self, studies: list[dict]):
        self.studies = [copy.deepcopy(s) for s in studies]
        self.requests: list[dict[str, str]] = []
        self._faults: dict[int, list[tuple[int, dict, bytes]]] = {}
        self._always: dict[int, int] = {}
        self._malformed: dict[int, bytes] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- faults ---------------------------------------------------------------------

    def fail(self, page: int, status: int, retry_after: str | None = None, times: int = 1, body: bytes = b"") -> None:
        """Answer ``status`` to the next ``times`` requests for ``page``, then the real page."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self._faults.setdefault(page, []).extend([(status, headers, body)] * times)

    def fail_always(self, page: int, status: int = 500) -> None:
        self._always[page] = status

    def heal(self) -> None:
        """No more faults."""
        self._faults.clear()
        self._always.clear()
        self._malformed.clear()

    def malform(self, page: int, body: bytes) -> None:
        """Serve ``body`` (status 200) instead of ``page``, every time."""
        self._malformed[page] = body

    def update(self, nct_id: str, date: str, **status_fields) -> None:
        """Post an update of a study: its last update date, and e.g. ``overallStatus``."""
        for study in self.studies:
            if nct(study) == nct_id:
                module = status_module(study)
                module["lastUpdatePostDateStruct"] = {"date": date, "type": "ACTUAL"}
                module.update(status_fields)
                return
        raise KeyError(nct_id)

    # --- the server -----------------------------------------------------------------

    def __enter__(self) -> "FakeCtgov":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):       # quiet
                pass

            def do_GET(self):
                status, headers, body = fake._answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/v2"

    # --- answers --------------------------------------------------------------------

    def _answer(self, raw_path: str) -> tuple[int, dict, bytes]:
        url = urlparse(raw_path)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        with self._lock:
            self.requests.append(params)
            if url.path.rstrip("/") != "/api/v2/studies":
                return 404, {}, b'{"message": "not found"}'
            try:
                size = int(params.get("pageSize", "10"))
                offset = int(params["pageToken"].removeprefix("tok-")) if params.get("pageToken") else 0
            except ValueError:
                return 400, {}, b'{"message": "bad pageSize or pageToken"}'
            page = offset // size + 1
            if page in self._always:
                return self._always[page], {}, b'{"message": "server error"}'
            if self._faults.get(page):
                return self._faults[page].pop(0)
            if page in self._malformed:
                return 200, {}, self._malformed[page]
            selected = self._select(params)
            if selected is None:
                return 400, {}, b'{"message": "unsupported filter.advanced"}'
            body: dict = {"studies": selected[offset: offset + size]}
            if offset + size < len(selected):
                body["nextPageToken"] = f"tok-{offset + size}"
            if params.get("countTotal") == "true" and not params.get("pageToken"):
                body["totalCount"] = len(selected)
            return 200, {}, json.dumps(body).encode()

    def _select(self, params: dict[str, str]) -> list[dict] | None:
        chosen = sorted(self.studies, key=nct)
        statuses = [s for s in params.get("filter.overallStatus", "").split(",") if s]
        if statuses:
            chosen = [s for s in chosen if status_module(s).get("overallStatus") in statuses]
        advanced = params.get("filter.advanced")
        if advanced:
            match = _RANGE.match(advanced)
            if not match:
                return None
            since = match.group(1)
            chosen = [s for s in chosen
                      if (status_module(s).get("lastUpdatePostDateStruct") or {}).get("date", "") >= since]
        return chosen
