"""Benchmark `make run` as a newcomer meets it: from an empty database to the first answers.

Runs `make run` on a fresh SQLite file (and media folder) in a temporary directory, on a free
port, and times: until the portal answers; the first citizen submission (the public API, the
same use case as the portal's form) while the worker starts on the demo's queued notices and
messages; the next four submissions; the first and a later body suggestion on the intake desk.
Counts log lines printed twice in a row, and the CPU time all of it took (on a busy machine the
wall-clock times grow with the load, shown beside them). Stops everything it started, writes
bench/results/make_run.json.

Usage: .venv/bin/python bench/make_run.py   (after make install; takes about a minute)
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import platform
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "make_run.json"
PETITION = {
    "content_type": "appeal",
    "title": "小区门口路灯坏了很久没人修",
    "body": "海滨社区门口的路灯坏了两个多月，晚上出行很不方便，希望尽快维修。",
    "division_code": "370687001001",
    "petitioner": {"name": "王建国", "phone": "13800000001"},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(opener, url: str, data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=120) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    return status, round(time.perf_counter() - started, 3), body


def submit(opener, base: str, n: int):
    payload = dict(PETITION, title=f"{PETITION['title']}（{n}）")
    return timed(
        opener,
        f"{base}/api/v1/petitions",
        json.dumps(payload, ensure_ascii=False).encode(),
        {"Content-Type": "application/json"},
    )


def sign_in(opener, base: str, username: str) -> None:
    _status, _t, page = timed(opener, f"{base}/desk/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    form = {"csrfmiddlewaretoken": token, "username": username, "password": "demo12345"}
    timed(
        opener,
        f"{base}/desk/login/",
        urllib.parse.urlencode(form).encode(),
        {"Referer": f"{base}/desk/login/"},
    )


def main() -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tmp = Path(tempfile.mkdtemp(prefix="xinfang-make-run-"))
    env = dict(
        os.environ,
        PORT=str(port),
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        XINFANG_MEDIA_ROOT=str(tmp / "media"),
    )
    log = (tmp / "make-run.log").open("w")
    started = time.perf_counter()
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    plain = urllib.request.build_opener()
    result: dict = {"port": port}
    try:
        while True:
            if proc.poll() is not None:
                print((tmp / "make-run.log").read_text()[-3000:])
                return 1
            try:
                status, _t, _b = timed(plain, f"{base}/")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.25)
        result["serving_after_s"] = round(time.perf_counter() - started, 1)
        status, first, body = submit(plain, base, 0)
        assert status == 201, body[:500]
        result["first_submission_s"] = first
        result["next_submissions_s"] = [submit(plain, base, n)[1] for n in range(1, 5)]
        desk = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        sign_in(desk, base, "clerk")
        query = urllib.parse.urlencode({"title": "工伤认定申请半年多没有结果", "body": ""})
        result["first_suggestion_s"] = timed(desk, f"{base}/desk/intake/suggest/?{query}")[1]
        result["next_suggestion_s"] = timed(desk, f"{base}/desk/intake/suggest/?{query}")[1]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
    lines = (tmp / "make-run.log").read_text().splitlines()
    # Request lines of one second may be alike; any other line twice in a row is a doubled one.
    doubled = [
        a
        for a, b in zip(lines, lines[1:], strict=False)
        if a == b and a.strip() and "HTTP/1.1" not in a
    ]
    result["log_lines_printed_twice"] = len(doubled)
    seeded = re.search(r"用时 ([0-9.]+) 秒", "\n".join(lines))
    result["seed_demo_s"] = float(seeded.group(1)) if seeded else None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu_s_of_make_run"] = round(usage.ru_utime + usage.ru_stime, 1)
    result["machine"] = {"cpus": os.cpu_count(), "load_1min": os.getloadavg()[0]}
    result["python"] = platform.python_version()
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
