"""gunicorn config for bench/http_submit.py --profile: each worker profiles its requests after
the first few (imports and caches warm) and writes the profile to XINFANG_BENCH_PROFILE_DIR when
it exits. With XINFANG_BENCH_PROFILE_CPU set the profile counts CPU time (time.process_time), so
waits on the database and on locks drop out and what is left is the worker's own work."""

import cProfile
import os
import time

WARM_REQUESTS = 5
_state = {"profile": None, "seen": 0}


def post_fork(server, worker):
    cpu = bool(os.environ.get("XINFANG_BENCH_PROFILE_CPU"))
    _state["profile"] = cProfile.Profile(time.process_time) if cpu else cProfile.Profile()


def pre_request(worker, req):
    if _state["seen"] >= WARM_REQUESTS:
        _state["profile"].enable()


def post_request(worker, req, environ, resp):
    if _state["seen"] >= WARM_REQUESTS:
        _state["profile"].disable()
    _state["seen"] += 1


def worker_exit(server, worker):
    profile = _state["profile"]
    if profile is not None and _state["seen"] > WARM_REQUESTS:
        out = os.environ.get("XINFANG_BENCH_PROFILE_DIR", "/tmp")
        profile.dump_stats(os.path.join(out, f"worker-{os.getpid()}.prof"))
