"""gunicorn config for bench/http_submit.py --profile: each worker runs under cProfile and
writes its profile to XINFANG_BENCH_PROFILE_DIR when it exits."""

import cProfile
import os

_profiles = {}


def post_fork(server, worker):
    profile = cProfile.Profile()
    _profiles[os.getpid()] = profile
    profile.enable()


def worker_exit(server, worker):
    profile = _profiles.pop(os.getpid(), None)
    if profile is not None:
        profile.disable()
        out = os.environ.get("XINFANG_BENCH_PROFILE_DIR", "/tmp")
        profile.dump_stats(os.path.join(out, f"worker-{os.getpid()}.prof"))
