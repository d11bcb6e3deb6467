"""The citizen's form: GET /submit/ and POST /submit/ medians, beside POST /api/v1/petitions.

In-process through Django's test client (one client at a time), against a fresh database of its
own with the test county and the whole content taxonomy loaded (the form lists every category).
Production settings: debug off, real keys, production rate limits (each POST from its own
address and phone), CSRF checked as a browser's post is. Each round posts the form (URL-encoded,
as the page's script sends it, and multipart), each from a new visitor who opened the form, and
the API (a client without cookies), without and with an Idempotency-Key, in an order turned every
round; reports the medians, the form's median over the API's, and the statements of one form
post and one API post. Writes
bench/results/portal_form.json.

Usage: .venv/bin/python bench/portal_form.py [--n 200] [--engine sqlite|postgresql]
       (without --engine: both, each in a process of its own)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "portal_form.json"
ENGINES = {
    "sqlite": "sqlite:////tmp/xinfang-bench-portal.sqlite3",
    "postgresql": os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xinfang_bench_portal"
    ),
}
SHARED_TAXONOMY = ROOT.parent / "shared" / "data" / "content-taxonomy.csv"
BUNDLED_TAXONOMY = ROOT / "xinfang" / "taxonomy" / "data" / "content-taxonomy.csv"


def ms(times: list[float]) -> dict:
    times = sorted(times)
    return {
        "n": len(times),
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(times[int(0.95 * len(times)) - 1] * 1000, 2),
    }


def run_one(n: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import build_county
    from xinfang.cases.models import Case

    call_command("flush", "--no-input", verbosity=0)
    build_county()
    taxonomy = SHARED_TAXONOMY if SHARED_TAXONOMY.exists() else BUNDLED_TAXONOMY
    call_command("load_taxonomy", str(taxonomy), verbosity=0)

    def form(i: int) -> dict:
        return {
            "content_type": "appeal",
            "title": f"小区路灯损坏第{i}号",
            "body": "小区东门路灯一直不亮，晚上出行不安全，请尽快维修。",
            "division_code": ["370000", "370600", "370687"],
            "address": "某小区东门",
            "name": "测试",
            "phone": f"138{i:08d}",
        }

    def api(i: int) -> dict:
        return {
            "content_type": "appeal",
            "title": f"小区路灯损坏第{i}号",
            "division_code": "370687",
            "body": "小区东门路灯一直不亮，晚上出行不安全，请尽快维修。",
            "address": "某小区东门",
            "petitioner": {"name": "测试", "phone": f"139{i:08d}"},
        }

    def ip(i: int) -> dict:
        return {"REMOTE_ADDR": f"10.{i // 62500 % 250}.{i // 250 % 250}.{i % 250 + 1}"}

    secure = {"secure": True}
    ORIGIN = "https://testserver"  # a browser's post over HTTPS names its origin
    token_in = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')

    # One server (its handler and middleware loaded once), many browsers: a new visitor is a
    # request without cookies. A Client per visitor would load the middleware each time and
    # leave its garbage to be collected during the form's timed posts.
    browser = Client(enforce_csrf_checks=True)

    def visitor(i: int) -> tuple[Client, str]:
        """A new visitor (no session yet) who opened the form, with its CSRF token."""
        client = browser
        client.cookies.clear()
        start = time.perf_counter()
        page = client.get("/submit/", **secure, **ip(i))
        gets.append(time.perf_counter() - start)
        assert page.status_code == 200
        return client, token_in.search(page.content).group(1).decode()

    def post_form(i: int, urlencoded: bool) -> tuple[float, object]:
        client, token = visitor(i)
        data = {**form(i), "csrfmiddlewaretoken": token}
        if urlencoded:
            # What the page's script sends when nothing is attached: the form URL-encoded.
            body = {
                "data": urlencode(data, doseq=True),
                "content_type": "application/x-www-form-urlencoded",
            }
        else:
            body = {"data": data}
        start = time.perf_counter()
        r = client.post("/submit/", **body, **secure, **ip(i), HTTP_ORIGIN=ORIGIN)
        took = time.perf_counter() - start
        assert r.status_code == 302, r.content.decode()[:500]
        return took, client

    # An API client keeps no cookies (the API sets none): no session to read on its requests.
    api_client = Client()

    def post_api(i: int) -> float:
        start = time.perf_counter()
        r = api_client.post(
            "/api/v1/petitions", api(i), content_type="application/json", **secure, **ip(i)
        )
        took = time.perf_counter() - start
        assert r.status_code == 201, r.content
        return took

    def post_api_keyed(i: int) -> float:
        # As an integrating client sends it (and as bench/http_submit.py does): a retry-safe
        # key, whose stored answer is to the API what the receipt is to the form.
        start = time.perf_counter()
        r = api_client.post(
            "/api/v1/petitions", api(i), content_type="application/json", **secure, **ip(i),
            HTTP_IDEMPOTENCY_KEY=f"bench-{i}",
        )  # fmt: skip
        took = time.perf_counter() - start
        assert r.status_code == 201, r.content
        return took

    gets, posts, plain_posts, apis, keyed = [], [], [], [], []
    post_form(10**6, True), post_api(10**6 + 1), post_api_keyed(10**6 + 4)  # warm
    for i in range(n):
        # Interleaved, the order turned every round: the machine's drift falls on both alike.
        steps = [
            (plain_posts, lambda k: post_form(k, True)[0], i),
            (apis, post_api, n + i),
            (posts, lambda k: post_form(k, False)[0], 2 * n + i),
            (keyed, post_api_keyed, 3 * n + i),
        ]
        for times, step, k in steps if i % 2 else steps[::-1]:
            times.append(step(k))
    assert Case.objects.count() == 4 * n + 3
    assert not api_client.cookies
    client, _token = visitor(0)
    with CaptureQueriesContext(connection) as q:
        client.get("/submit/", **secure)
    get_queries = len(q.captured_queries)
    client, token = visitor(10**6 + 2)
    with CaptureQueriesContext(connection) as q:
        plain = urlencode({**form(10**6 + 2), "csrfmiddlewaretoken": token}, doseq=True)
        r = client.post(
            "/submit/", plain, content_type="application/x-www-form-urlencoded", **secure,
            **ip(10**6 + 2), HTTP_ORIGIN=ORIGIN,
        )  # fmt: skip
    assert r.status_code == 302
    form_queries = len(q.captured_queries)
    with CaptureQueriesContext(connection) as q:
        post_api(10**6 + 3)
    api_queries = len(q.captured_queries)
    page = client.get("/submit/", **secure).content
    plain, api_ms, keyed_ms = ms(plain_posts), ms(apis), ms(keyed)
    return {
        "get": {**ms(gets), "queries_warm": get_queries, "bytes": len(page)},
        "post": {**ms(posts), "encoding": "multipart/form-data"},
        "post_urlencoded": {**plain, "queries": form_queries},
        "api_post": {**api_ms, "queries": api_queries},
        "api_post_keyed": keyed_ms,
        "ratio_urlencoded_to_api": round(plain["p50_ms"] / api_ms["p50_ms"], 3),
        "ratio_urlencoded_to_keyed_api": round(plain["p50_ms"] / keyed_ms["p50_ms"], 3),
        "ratio_multipart_to_api": round(ms(posts)["p50_ms"] / api_ms["p50_ms"], 3),
        "categories_listed": page.count(b"<option value="),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--engine", choices=list(ENGINES))
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        print("PORTAL_JSON " + json.dumps(run_one(args.n)))
        return
    engines = [args.engine] if args.engine else list(ENGINES)
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    results = {
        "what": "GET and POST /submit/ (citizen form) beside POST /api/v1/petitions, in-process",
        "cpus": os.cpu_count(),
        "load_before": load,
    }
    if OUT.exists() and args.engine:
        results = {**json.loads(OUT.read_text()), **results}
    for engine in engines:
        url = ENGINES[engine]
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "XINFANG_DEBUG": "false",
            "XINFANG_SECRET_KEY": secrets.token_urlsafe(50),
            "XINFANG_DATA_KEY": secrets.token_urlsafe(48),
            "XINFANG_AUDIT_KEY": secrets.token_urlsafe(48),
            "XINFANG_ALLOWED_HOSTS": "testserver",
            "XINFANG_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
            "XINFANG_MEDIA_ROOT": "/tmp/xinfang-bench-portal-media",
            "XINFANG_AUDIT_EXPORT_PATH": "/tmp/xinfang-bench-portal-audit.log",
        }
        if engine == "postgresql":
            import psycopg

            base, name = url.split("?")[0].rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if not exists.fetchone():
                    conn.execute(f'CREATE DATABASE "{name}"')
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        out = subprocess.run(
            [sys.executable, __file__, "--n", str(args.n), "--inner"],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        line = next((ln for ln in out.stdout.splitlines() if ln.startswith("PORTAL_JSON ")), None)
        if line is None:
            raise SystemExit(f"{engine} failed:\n{out.stdout}\n{out.stderr}")
        results[engine] = json.loads(line[len("PORTAL_JSON ") :])
    results["load_after"] = subprocess.run(
        ["uptime"], capture_output=True, text=True
    ).stdout.strip()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
