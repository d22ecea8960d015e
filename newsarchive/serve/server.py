"""The preview server: HTTP over site/, a reload channel (server-sent events), a watcher that rebuilds.

A build replaces site/ whole (an atomic directory exchange); serve's hot pass replaces single files
holding the site lock, under which requests read files: a request never sees a half-built site.
Build errors are printed and pushed to open pages as an overlay; the server keeps running and
recovers on the next good build.
"""
from __future__ import annotations

import http.server
import json
import mimetypes
import queue
import sys
import threading
import time
from pathlib import Path

from ..archive import Archive, is_inside
from ..builder.outcome import Built, Failed, HotDeclined, LeftOut, Outcome, Unchanged
from . import changes

RELOAD_JS = (Path(__file__).parent / "reload.js").read_bytes()
mimetypes.add_type("application/manifest+json", ".webmanifest")  # as hosts send it
# Quiet time after the last file event before a rebuild starts (an editor's save is a burst of
# events a few milliseconds apart).
DEBOUNCE_SECONDS = 0.03
# Seconds between keep-alive comments on the event stream.
KEEPALIVE_SECONDS = 15
# Seconds a connection may stay silent while sending its request (a half-sent request must not hold
# a thread for ever), and the most connections served at once (more are closed at once).
IDLE_SECONDS = 30
MAX_CONNECTIONS = 64


class _Server(http.server.ThreadingHTTPServer):
    """A thread per connection, at most MAX_CONNECTIONS of them."""

    daemon_threads = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request, client_address):
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


class Channel:
    """Fan-out of events to every open page."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clients: list[queue.Queue] = []
        self.last_error: str | None = None

    def join(self) -> queue.Queue:
        q: queue.Queue = queue.Queue()
        with self.lock:
            self.clients.append(q)
            if self.last_error:
                q.put(("error-message", self.last_error))
        return q

    def leave(self, q: queue.Queue) -> None:
        with self.lock:
            if q in self.clients:
                self.clients.remove(q)

    def send(self, event: str, data: str = "") -> None:
        self.last_error = data if event == "error-message" else (None if event in ("ok", "reload") else self.last_error)
        with self.lock:
            for q in self.clients:
                q.put((event, data))


def make_handler(site: Path, channel: Channel, lock: threading.Lock):
    class Handler(http.server.SimpleHTTPRequestHandler):
        timeout = IDLE_SECONDS  # a socket timeout: reading a request that never comes ends the connection

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, *args):
            pass

        def do_GET(self):
            self._answer(head=False)

        def do_HEAD(self):
            self._answer(head=True)

        def _answer(self, head: bool):
            try:
                self._respond(head)
            except (ValueError, OSError):  # a path no file can have (a NUL byte, too long): refused
                self._send(400, "text/plain; charset=utf-8", b"Bad request\n", head)

        def _respond(self, head: bool):
            """The site as a host serves it: a file, a folder's index.html (a folder named without its
            slash is redirected to it, so its relative links resolve), else the site's own 404 page
            with status 404. Never a folder listing; nothing outside site/, symlinks not followed."""
            route = self.path.split("?", 1)[0].split("#", 1)[0]
            if route == "/__newsarchive/reload.js":
                return self._send(200, "text/javascript", RELOAD_JS, head)
            if route == "/__newsarchive/events" and not head:
                return self._events()
            path = Path(self.translate_path(self.path))
            if path.is_dir() and not route.endswith("/"):
                return self._redirect(route + "/" + (self.path[len(route):] if "?" in self.path else ""))
            if path.is_dir():
                path = path / "index.html"
            body = self._read(path)
            status = 200
            if body is None:
                path, status = site / "404.html", 404
                body = self._read(path) or b"<!DOCTYPE html><title>404</title><p>Not found.</p>"
                # Served at any depth: its relative links resolve from the site's root.
                body = body.replace(b"<head>", b'<head><base href="/">', 1)
            if path.suffix == ".html":
                body = body.replace(b"</body>", b'<script src="/__newsarchive/reload.js" defer></script></body>', 1)
                return self._send(status, "text/html; charset=utf-8", body, head)
            return self._send(status, self.guess_type(str(path)), body, head)

        def _read(self, path: Path) -> bytes | None:
            """A file's bytes if it is a regular file inside site/ reached without a symlink."""
            try:  # a symlink anywhere below site/ resolves elsewhere (or outside it): refused
                if path.resolve().relative_to(site.resolve()) != path.relative_to(site) or not path.is_file():
                    return None
            except (ValueError, OSError):
                return None
            with lock:  # a hot pass replaces files under it
                try:
                    return path.read_bytes()
                except OSError:
                    return None

        def _redirect(self, location: str):
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status, kind, body, head: bool = False):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _events(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            q = channel.join()
            try:
                while True:
                    try:
                        event, data = q.get(timeout=KEEPALIVE_SECONDS)
                        lines = "".join(f"data: {line}\n" for line in (data or "-").splitlines() or ["-"])
                        self.wfile.write(f"event: {event}\n{lines}\n".encode("utf-8"))
                    except queue.Empty:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except OSError:  # the page went away, or stopped reading for IDLE_SECONDS
                pass
            finally:
                channel.leave(q)

    return Handler


def announce(channel: Channel, outcome: Outcome | None) -> bool:
    """Print a build's trouble and show it as the overlay: a failure, or pages left out. True when
    the build failed."""
    if isinstance(outcome, Failed):
        print(f"serve: build failed: {outcome.reason}", file=sys.stderr)
        channel.send("error-message", outcome.reason)
        return True
    if isinstance(outcome, LeftOut):
        print(f"serve: left out of the site: {outcome.message()}", file=sys.stderr)
        channel.send("error-message", outcome.message())
    return False


def _url_host(host: str) -> str:
    """A listening address as a URL's host: every address's server is reached at 127.0.0.1."""
    if host in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


class Rebuilder:
    """Collects file events, waits for quiet, then runs the work the changes need.

    Each change gets a fast pass whose pages reload at once - the builder's hot pass when only
    content pages changed, else a quick build - then a full build (builder.full(), a job with
    wait() and stop()) brings the search index and same-story links up to date; the next change
    stops it.
    """

    def __init__(self, archive: Archive, channel: Channel, builder, site_lock: threading.Lock | None = None):
        self.archive, self.channel, self.builder = archive, channel, builder
        self.site_lock = site_lock or threading.Lock()
        self.pending: set[str] = set()
        self.pending_content: set[Path] = set()
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.full = None  # the full build under way

    def notice(self, path: str) -> None:
        kind = changes.classify(self.archive, Path(path))
        if kind:
            with self.lock:
                self.pending.add(kind)
                if kind == changes.CONTENT:
                    self.pending_content.add(Path(path))
            self.wake.set()

    def loop(self) -> None:
        while True:
            self.wake.wait()
            time.sleep(DEBOUNCE_SECONDS)
            with self.lock:
                kinds, self.pending = self.pending, set()
                content, self.pending_content = self.pending_content, set()
                self.wake.clear()
            if kinds:
                self.once(kinds, content)

    def once(self, kinds: set[str], content: set[Path] = frozenset()) -> None:
        """A fast pass first (the open pages reload at once), then a full one for what it kept old."""
        ingest, css_only = changes.plan(kinds)
        self._stop_full()
        started = time.perf_counter()
        outcome: Outcome = HotDeclined()
        if kinds == {changes.CONTENT}:
            outcome = self._run(lambda: self.builder.hot(content, self.site_lock))
        if isinstance(outcome, HotDeclined):
            outcome = self._run(self._ingest_then_quick if ingest else self.builder.quick)
        if isinstance(outcome, Unchanged):  # nothing the site shows changed
            return
        if isinstance(outcome, Failed):
            announce(self.channel, outcome)
            return
        print(f"serve: rebuilt ({', '.join(sorted(kinds))}) in {time.perf_counter() - started:.2f} s", file=sys.stderr)
        self.channel.send("ok")
        self.channel.send("css" if css_only else "reload")
        announce(self.channel, outcome)  # after the reload: reconnecting pages get a left-out overlay
        self._start_full()

    def _start_full(self) -> None:
        started = time.perf_counter()
        self.full = job = self.builder.full()
        threading.Thread(target=lambda: self._full_done(job.wait(), started, job), daemon=True).start()

    def _full_done(self, outcome: Outcome | None, started: float, job) -> None:
        if job is not self.full:
            return  # stopped for a newer change
        if isinstance(outcome, (Built, LeftOut)) and outcome.changed:  # the pages it brought up to date
            self.channel.send("changed", json.dumps(outcome.changed, ensure_ascii=False))
        if not announce(self.channel, outcome):
            print(f"serve: search index and same-story links up to date in {time.perf_counter() - started:.2f} s",
                  file=sys.stderr)

    def _stop_full(self) -> None:
        """A change arrived: the full build in progress is out of date; stop it (a build killed at any
        point leaves the last complete site)."""
        job, self.full = self.full, None
        if job is not None:
            job.stop()

    def _ingest_then_quick(self) -> Outcome:
        self.builder.ingest()
        return self.builder.quick()

    @staticmethod
    def _run(work) -> Outcome:
        try:
            return work()
        except Exception as exc:  # noqa: BLE001 - a broken rule or a bug must not stop the server
            return Failed(f"{type(exc).__name__}: {exc}")


def _keep(lock, server) -> None:
    """serve's lock file was removed or replaced: taken again, or (another serve has it) serve stops."""
    if not lock.kept():
        print(f"newsarchive: {lock.lock_file}: serve's lock was removed and another serve took it; "
              "this one stops", file=sys.stderr, flush=True)
        threading.Thread(target=server.shutdown, daemon=True).start()


def serve(archive: Archive, host: str, port: int, make_builder, ready=None, lock=None) -> None:
    """Serve the archive's preview until interrupted: `make_builder(archive, base_url)` (passes.Builder)
    makes what runs every build (see Rebuilder), for the address the server got. `lock`: serve's
    own (archive.Held); its file removed, it is taken again, or serve stops if another serve has it."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    channel = Channel()
    site_lock = threading.Lock()
    preview = archive.for_preview()
    # Bound first (the preview is built for the address it gets), listening only once it is built.
    server = _Server((host, port), make_handler(preview.site, channel, site_lock), bind_and_activate=False)
    try:
        server.server_bind()
    except OSError as exc:  # the address in use, or not this machine's: one line naming it
        server.server_close()
        raise OSError(exc.errno, exc.strerror, f"{host}:{port}") from None
    address = f"http://{_url_host(host)}:{server.server_address[1]}/"
    builder = make_builder(archive, address)
    announce(channel, builder.first())
    server.server_activate()
    preview.site.mkdir(parents=True, exist_ok=True)
    rebuilder = Rebuilder(archive, channel, builder, site_lock)

    class Watch(FileSystemEventHandler):
        adopt = None

        def on_any_event(self, event):
            if event.event_type in ("opened", "closed_no_write"):
                return
            if lock is not None and str(lock.lock_file) in (event.src_path, getattr(event, "dest_path", "")):
                _keep(lock, server)
                return
            if event.is_directory and event.event_type == "created" and Watch.adopt:
                Watch.adopt(Path(event.src_path))
            rebuilder.notice(getattr(event, "dest_path", "") or event.src_path)
            if getattr(event, "dest_path", ""):
                rebuilder.notice(event.src_path)

    observer = Observer()
    watched: set[str] = set()

    def watch(folder: Path) -> None:
        if folder.is_dir() and str(folder) not in watched:
            watched.add(str(folder))
            observer.schedule(Watch(), str(folder), recursive=True)

    # Each input folder recursively (never site/: it is swapped whole on every build), and the packaged
    # defaults (a developer editing them); the root itself flat, to see the config and folders made
    # later, which are then watched too.
    inputs = archive.input_folders
    for folder in (*inputs, archive.layout_dirs[1], archive.rule_dirs[1], archive.static_dirs[1]):
        if folder in inputs or not is_inside(folder, archive.root):
            watch(folder)
    observer.schedule(Watch(), str(archive.root), recursive=False)
    Watch.adopt = staticmethod(lambda path: watch(path) if path in inputs else None)
    observer.start()
    if lock is not None:  # (removed before the observer watched: from the first build on, not seen)
        _keep(lock, server)
    threading.Thread(target=rebuilder.loop, daemon=True).start()
    print(f"serve: {address} (Ctrl-C to stop)", flush=True)
    if ready:
        ready(server.server_address[1])
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        server.server_close()
