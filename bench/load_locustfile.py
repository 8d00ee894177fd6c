"""Locust scenario of bench/load_bench.py (issue 12): people in fishbone meetings and leadership readers.

Run by ``bench/load_bench.py``, which prepares the accounts and passes them in ``LOAD_BENCH_PLAN``
(a JSON file) with the number of each kind of user in ``LOAD_BENCH_EDITORS``/``LOAD_BENCH_VIEWERS``.

- An editor sits in their team's fishbone meeting, exactly as ``static/fishbone/fishbone.js`` does:
  the page loads the diagram and its SVG from its watch address (one request, "meeting load"),
  then every 2 s asks it again with ``If-None-Match`` ("change poll": a 304, or the new diagram and
  SVG when a teammate changed something), and adds a cause every 5–15 s (then loads again).
- A viewer opens the dashboard, a project page, a fishbone SVG, an FMEA, the complaints list or
  the Pareto every 10–30 s.

Both behave like a browser with a cache: ETag / Last-Modified answers are revalidated with
``If-None-Match`` / ``If-Modified-Since``, answers with a fresh ``max-age`` are not asked again,
a page that came with an ETag is asked again with ``If-None-Match`` (a 304 shows the copy held),
and each page's style sheets and scripts are fetched through that cache.
"""

import itertools
import json
import os
import random
import re
import time

import gevent
from locust import FastHttpUser, between, constant_pacing, events, task

PLAN = json.load(open(os.environ["LOAD_BENCH_PLAN"], encoding="utf-8")) if os.environ.get("LOAD_BENCH_PLAN") else {}
PASSWORD = PLAN.get("password", "")
_editor_seq = itertools.count()
_viewer_seq = itertools.count()
_ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
_CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
_LIVE = re.compile(r'data-live="([^"]+)"')
_WORDS_FA = ("تأخیر", "انبار", "راننده", "برنامه‌ریزی", "قطعه", "آموزش", "کنترل", "تامین‌کننده", "نرم‌افزار", "بسته‌بندی")
_WORDS_EN = ("late", "stock", "driver", "planning", "part", "training", "inspection", "supplier", "software", "packing")


_signed_in = [0]


@events.init.add_listener
def _measure_after_sign_in(environment, **_kwargs):
    """Measure LOAD_BENCH_DURATION seconds, from LOAD_BENCH_MEASURE_AT (epoch seconds) or, when later,
    once every user has signed in; write the start time to LOAD_BENCH_MEASURE_FILE; then stop."""
    start = float(os.environ.get("LOAD_BENCH_MEASURE_AT") or 0)
    if not start:
        return
    everyone = int(os.environ.get("LOAD_BENCH_EDITORS", "0")) + int(os.environ.get("LOAD_BENCH_VIEWERS", "0"))
    duration = float(os.environ.get("LOAD_BENCH_DURATION") or 60)

    def measure():
        gevent.sleep(max(0.0, start - time.time()))
        give_up = time.time() + 300
        while _signed_in[0] < everyone and time.time() < give_up:
            gevent.sleep(0.5)
        environment.stats.reset_all()
        with open(os.environ["LOAD_BENCH_MEASURE_FILE"], "w") as f:
            f.write(f"{time.time()} {_signed_in[0]}")
        gevent.sleep(duration)
        environment.runner.quit()

    gevent.spawn(measure)


class BrowserCache:
    """The little a browser's HTTP cache does that matters here: max-age and revalidation."""

    def __init__(self):
        self.entries: dict[str, tuple[float, str | None, str | None]] = {}

    def get(self, client, url: str, name: str):
        fresh_until, etag, modified = self.entries.get(url, (0.0, None, None))
        if fresh_until > time.time():
            return None  # served from the cache: no request at all
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        with client.get(url, name=name, headers=headers, catch_response=True) as response:
            if response.status_code in (200, 304):
                response.success()
                self._remember(url, response)
            else:
                response.failure(f"HTTP {response.status_code}")
            return response

    def _remember(self, url: str, response) -> None:
        control = response.headers.get("Cache-Control") or ""
        if "no-store" in control:
            self.entries.pop(url, None)
            return
        match = re.search(r"max-age=(\d+)", control)
        fresh_until = time.time() + int(match.group(1)) if match and "no-cache" not in control else 0.0
        old = self.entries.get(url, (0.0, None, None))
        self.entries[url] = (
            fresh_until,
            response.headers.get("ETag") or old[1],
            response.headers.get("Last-Modified") or old[2],
        )


class Person(FastHttpUser):
    abstract = True
    csrf = ""

    def sign_in(self, email: str) -> bool:
        """Sign in as a person would, trying again (up to 10 times) when the server was too busy."""
        self.cache = BrowserCache()
        self.pages: dict[str, tuple[str, str]] = {}  # url -> (ETag, the page as last received)
        for attempt in range(10):
            page = self.client.get("/login", name="sign in page")
            match = _CSRF_FIELD.search(page.text or "")
            if match:
                token = match.group(1) or match.group(2)
                with self.client.post("/login", name="sign in", data={"email": email, "password": PASSWORD, "csrf_token": token},
                                      catch_response=True, allow_redirects=False) as response:
                    if response.status_code in (302, 303):
                        return True
                    response.failure(f"sign-in answered {response.status_code}")
            gevent.sleep(min(30, 2 ** attempt))
        return False

    def page(self, url: str, name: str) -> str:
        """Open a page as a browser does: a page it holds with an ETag is asked with If-None-Match, and a 304 shows the held copy."""
        held = self.pages.get(url)
        headers = {"If-None-Match": held[0]} if held else {}
        with self.client.get(url, name=name, headers=headers, catch_response=True) as response:
            if response.status_code == 304 and held:
                response.success()
                text = held[1]
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return ""
            else:
                text = response.text or ""
                etag = response.headers.get("ETag")
                if etag and "no-store" not in (response.headers.get("Cache-Control") or ""):
                    self.pages[url] = (etag, text)
                else:
                    self.pages.pop(url, None)
        match = _CSRF.search(text)
        if match:
            self.csrf = match.group(1)
        for asset in sorted(set(_ASSET.findall(text))):
            self.cache.get(self.client, asset, "static file")
        return text


class Editor(Person):
    """A team member in a fishbone meeting."""

    wait_time = constant_pacing(2)
    fixed_count = int(os.environ.get("LOAD_BENCH_EDITORS", "0"))

    def on_start(self):
        number = next(_editor_seq)
        account = PLAN["editors"][number % len(PLAN["editors"])]
        self.project = account["project"]
        self.category_ids = account["categories"]
        self.sign_in(account["email"])
        text = ""
        for attempt in range(10):  # the meeting page, as someone who reloads until it shows
            text = self.page(f"/projects/{self.project}/fishbone", "fishbone page")
            if text:
                break
            gevent.sleep(min(30, 2 ** attempt))
        live = _LIVE.search(text)
        self.live_url = live.group(1).replace("&amp;", "&") if live else None
        self.live_etag = None
        self.next_add = time.time() + random.uniform(5, 15)
        self.load()
        _signed_in[0] += 1

    def _show(self, response) -> None:
        """What the page's show() needs from an answer: the diagram and the drawing."""
        data = response.json()
        if not (isinstance(data.get("diagram"), dict) and data.get("svg", "").startswith("<?xml")):
            response.failure("the answer lacks the diagram or its drawing")
            return
        response.success()
        self.live_etag = response.headers.get("ETag")

    def load(self):
        """What the page's load() does: its watch address, asked plainly, answers with everything."""
        if not self.live_url:
            return
        with self.client.get(self.live_url, name="meeting load", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            self._show(response)

    def poll(self):
        """The page's 2-second poll: 304, or the new diagram and drawing in the same answer."""
        if not self.live_url:
            return
        headers = {"If-None-Match": self.live_etag} if self.live_etag else {}
        with self.client.get(self.live_url, name="change poll", headers=headers, catch_response=True) as response:
            if response.status_code == 304:
                response.success()
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif response.headers.get("ETag") != self.live_etag:
                self._show(response)

    def add_cause(self):
        words = random.sample(_WORDS_FA if random.random() < 0.5 else _WORDS_EN, 3)
        body = {"text": " ".join(words) + f" {random.randint(1, 10**6)}", "category_id": random.choice(self.category_ids)}
        with self.client.post(f"/api/v1/projects/{self.project}/fishbone/causes", name="add cause", json=body,
                              headers={"X-CSRFToken": self.csrf, "Accept": "application/json"}, catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"HTTP {response.status_code}: {(response.text or '')[:120]}")
                return
        self.load()

    @task
    def meeting(self):
        if time.time() >= self.next_add:
            self.next_add = time.time() + random.uniform(5, 15)
            self.add_cause()
        else:
            self.poll()


class Viewer(Person):
    """Leadership reading: one page every 10–30 s."""

    wait_time = between(10, 30)
    fixed_count = int(os.environ.get("LOAD_BENCH_VIEWERS", "0"))

    def on_start(self):
        number = next(_viewer_seq)
        self.sign_in(PLAN["viewers"][number % len(PLAN["viewers"])])
        _signed_in[0] += 1

    @task
    def read(self):
        project = random.choice(PLAN["projects"])
        choice = random.randrange(6)
        if choice == 0:
            self.page("/dashboard", "dashboard")
        elif choice == 1:
            self.page(f"/projects/{project}", "project page")
        elif choice == 2:
            self.cache.get(self.client, f"/projects/{project}/fishbone.svg?dir=rtl", "fishbone svg")
        elif choice == 3:
            self.page(f"/projects/{project}/fmea", "fmea page")
        elif choice == 4:
            self.page("/complaints", "complaints list")
        else:
            self.page("/complaints/analysis", "pareto")
