"""A local stand-in for the Hugging Face hub's file endpoints, served on 127.0.0.1.

It answers `HEAD`/`GET /{repo_id}/resolve/{revision}/{path}` with the headers the hub client reads
(X-Repo-Commit, ETag and X-Linked-Etag with the SHA-256 like LFS files, X-Linked-Size,
Content-Length), and 404 with `X-Error-Code: EntryNotFound` for unknown files. It is the only fake
in the download tests: everything above the HTTP boundary is the real client.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class HubServer:
    """Serve `files` ({path: bytes}) of `repo_id` at `url` until `stop()`.

    Attributes:
        url: "http://127.0.0.1:PORT".
        gets: how many GET requests each path received.
    """

    def __init__(self, repo_id: str, files: dict[str, bytes]):
        self.repo_id = repo_id
        self.files = dict(files)
        self.gets: Counter[str] = Counter()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> HubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the port (later connections are refused)."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _lookup(self, url_path: str) -> tuple[str, bytes | None]:
        prefix = f"/{self.repo_id}/resolve/"
        if not url_path.startswith(prefix):
            return "", None
        _revision, _, path = url_path[len(prefix):].partition("/")
        return path, self.files.get(path)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self) -> None:
                self._answer(send_body=False)

            def do_GET(self) -> None:
                self._answer(send_body=True)

            def _answer(self, *, send_body: bool) -> None:
                path, data = hub._lookup(self.path.split("?", 1)[0])
                if data is None:
                    self.send_response(404)
                    self.send_header("X-Error-Code", "EntryNotFound")
                    self.send_header("X-Repo-Commit", COMMIT)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                digest = hashlib.sha256(data).hexdigest()
                self.send_response(200)
                self.send_header("X-Repo-Commit", COMMIT)
                self.send_header("ETag", f'"{digest}"')
                self.send_header("X-Linked-Etag", f'"{digest}"')
                self.send_header("X-Linked-Size", str(len(data)))
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                if send_body:
                    hub.gets[path] += 1
                    self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler
