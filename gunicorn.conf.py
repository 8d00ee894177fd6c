"""gunicorn settings for ``make serve`` (the production set-up; README, "Running it for an organisation").

Threads, not more processes: a request spends much of its time waiting for PostgreSQL or Redis,
and each process holds its own copy of the app. One process per core plus one keeps both cores
busy while one process is between requests; four threads each let a process overlap its waits.
Every setting can be changed from the environment (``WEB_CONCURRENCY``, ``GUNICORN_THREADS``,
``HOST``, ``PORT``, ``GUNICORN_ACCESS_LOG=0``) or on the command line.
"""

import os

_cores = os.cpu_count() or 1

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or _cores + 1)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
# Queued connections wait here while every thread is busy (a burst of 1,000 users).
backlog = 2048
keepalive = 5
timeout = 60
graceful_timeout = 20
# Logs to stdout (one stream for the service manager or container to collect).
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "1") != "0" else None
errorlog = "-"
capture_output = True
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# Behind a reverse proxy (nginx, Caddy) on the same machine: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket is one per user by default: several instances on one machine would share it.
control_socket_disable = True

if os.environ.get("WORKBENCH_PROFILE_DIR"):
    # bench/load_bench.py --profile: cProfile and CPU time per endpoint in every worker (bench/load_profiler.py).
    import importlib.util

    _spec = importlib.util.spec_from_file_location("load_profiler", os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench", "load_profiler.py"))
    _profiler = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_profiler)
    post_worker_init = _profiler.post_worker_init
    worker_exit = _profiler.worker_exit
