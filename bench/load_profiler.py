"""Where a gunicorn worker's time goes under load (``bench/load_bench.py --profile``).

gunicorn.conf.py loads these hooks only when ``WORKBENCH_PROFILE_DIR`` is set. Each request runs
under its thread's own cProfile profiler, and its thread CPU time and wall time are added up per
endpoint (the path with numbers and tokens masked, and the status). The bench writes the name of
the run being measured to ``<folder>/label`` (empty between runs); a worker notices a new label
within a second, writes what it gathered under the old one (``profile-<label>-<pid>.pstats`` and
``endpoints-<label>-<pid>.json``) and starts afresh. It writes the last one when it stops.
py-spy is the lighter tool, but it cannot attach to processes in every sandbox; cProfile always can.
"""

import cProfile
import json
import os
import pstats
import re
import threading
import time

_IDS = re.compile(r"\d+")
_TOKEN = re.compile(r"(?<=/live/)[^/?]+")


def endpoint_name(method: str, path: str, status: str) -> str:
    """``GET /projects/N/fishbone.svg 304``: one row per kind of request, whatever the ids."""
    return f"{method} {_IDS.sub('N', _TOKEN.sub('T', path))} {status.split(' ', 1)[0]}"


class _Gathered:
    """One worker's profilers (one per thread) and per-endpoint times, under the current label."""

    def __init__(self, folder: str):
        self.folder = folder
        self.lock = threading.Lock()
        self.label, self.checked = "", 0.0
        self.generation = 0
        self.profilers: list[cProfile.Profile] = []
        self.totals: dict[str, list[float]] = {}

    def check_label(self) -> None:
        """At most once a second: has the bench started (or ended) a measured run?"""
        now = time.monotonic()
        if now - self.checked < 1:
            return
        self.checked = now
        try:
            with open(os.path.join(self.folder, "label")) as f:
                label = f.read().strip()
        except OSError:
            label = ""
        if label != self.label:
            self.dump()
            self.label, self.profilers, self.totals = label, [], {}
            self.generation += 1

    def dump(self) -> None:
        if not self.label or not self.profilers:
            return
        stats = pstats.Stats(self.profilers[0])
        for profiler in self.profilers[1:]:
            stats.add(profiler)
        stats.dump_stats(os.path.join(self.folder, f"profile-{self.label}-{os.getpid()}.pstats"))
        with open(os.path.join(self.folder, f"endpoints-{self.label}-{os.getpid()}.json"), "w") as f:
            json.dump(self.totals, f)


def post_worker_init(worker) -> None:
    """Wrap the worker's app: a profiler per thread and CPU/wall time per endpoint."""
    gathered = _Gathered(os.environ["WORKBENCH_PROFILE_DIR"])
    app = worker.wsgi
    local = threading.local()

    def profiled(environ, start_response):
        with gathered.lock:
            gathered.check_label()
            measuring = bool(gathered.label)
            if measuring and getattr(local, "generation", None) != gathered.generation:
                local.profiler, local.generation = cProfile.Profile(), gathered.generation
                gathered.profilers.append(local.profiler)
        if not measuring:
            return app(environ, start_response)
        seen = {}

        def remember(status, headers, exc_info=None):
            seen["status"] = status
            return start_response(status, headers, exc_info)

        cpu, wall = time.thread_time(), time.perf_counter()
        local.profiler.enable()
        try:
            body = app(environ, remember)
            data = list(body)  # the body is produced here (compression, generators), inside the measured time
            if hasattr(body, "close"):
                body.close()
        finally:
            local.profiler.disable()
            name = endpoint_name(environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""), seen.get("status", "000"))
            with gathered.lock:
                row = gathered.totals.setdefault(name, [0, 0.0, 0.0])
                row[0] += 1
                row[1] += time.thread_time() - cpu
                row[2] += time.perf_counter() - wall
        return data

    worker.wsgi = profiled
    worker.workbench_profile = gathered


def worker_exit(_server, worker) -> None:
    """Write what this worker gathered since the bench last named a run."""
    gathered = getattr(worker, "workbench_profile", None)
    if gathered is not None:
        with gathered.lock:
            gathered.dump()
