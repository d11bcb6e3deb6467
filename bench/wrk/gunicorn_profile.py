"""gunicorn config for bench/http_submit.py --profile: each worker profiles its requests after
the first few (imports and caches warm) and writes the profile to XINFANG_BENCH_PROFILE_DIR when
it exits."""

import cProfile
import os

WARM_REQUESTS = 5
_state = {"profile": None, "seen": 0}


def post_fork(server, worker):
    _state["profile"] = cProfile.Profile()


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
