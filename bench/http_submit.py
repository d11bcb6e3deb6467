"""Petitions per second over HTTP: POST /api/v1/petitions through gunicorn, on PostgreSQL.

Starts gunicorn the way docs/deployment.md prescribes (`xinfang.config.wsgi:application`, 4
workers, production settings: debug off, real keys, HTTPS on behind a proxy that sets
X-Forwarded-For and X-Forwarded-Proto, the production rate limits), on loopback only, against a
fresh database of its own. Drives it with wrk (bench/wrk/submit.lua: a distinct phone, forwarded
address and Idempotency-Key per request) at each concurrency for a fixed time, then checks that
the database holds exactly one case per 201 answer: every number answered is there once, and
the only other cases are those whose answers were still on the way when wrk stopped (at most one
per connection). While wrk runs, pg_stat_activity is sampled to show what the backends wait on,
and the CPU time of the web workers, of the database's backends and of the whole machine is
read from /proc (milliseconds per petition: where the time goes, whatever else is running).
Also counts the statements and commits of one submission, in-process.

Writes bench/results/http_submit-<engine>.json and .md, with the machine's load and, before each
run, the CPU time of a fixed piece of Python work (this machine's speed varies with its host's
load). `--repeat` runs the concurrencies in turn again, for a median.

Usage: .venv/bin/python bench/http_submit.py [--duration 20] [--concurrency 8 32]
       [--workers 4] [--repeat 1] [--database-url postgres://postgres@127.0.0.1:5432/xinfang_bench_http]
       [--profile]   (cProfile of one worker, in a separate run of --duration seconds at c=8)
       [--profile-cpu]   (with --profile: CPU time instead of wall time)
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "wrk" / "submit.lua"
VENV_BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/xinfang_bench_http"
MAX_DURATION = 120  # seconds per run: the bench is bounded


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xinfang.config.settings",
        "DATABASE_URL": database_url,
        "XINFANG_DEBUG": "false",
        "XINFANG_SECRET_KEY": secrets.token_urlsafe(50),
        "XINFANG_DATA_KEY": secrets.token_urlsafe(48),
        "XINFANG_AUDIT_KEY": secrets.token_urlsafe(48),
        "XINFANG_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "XINFANG_TRUST_X_FORWARDED_FOR": "true",
        "XINFANG_TRUST_X_FORWARDED_PROTO": "true",
        "XINFANG_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "XINFANG_MEDIA_ROOT": tempfile.mkdtemp(prefix="xinfang-bench-media-"),
        "XINFANG_AUDIT_EXPORT_PATH": str(Path(tempfile.mkdtemp()) / "audit-heads.log"),
    }


def django_setup(env: dict):
    os.environ.update({k: v for k, v in env.items() if k.startswith(("XINFANG_", "DATABASE_"))})
    os.environ["DJANGO_SETTINGS_MODULE"] = "xinfang.config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare_database(env: dict) -> None:
    """A fresh database: migrated, emptied, the test county (tests/conftest.py) in it."""
    import psycopg

    base, name = env["DATABASE_URL"].split("?")[0].rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0", "--no-input"], cwd=ROOT, env=env, check=True
    )
    code = (
        "from django.core.management import call_command; "
        "call_command('flush', '--no-input', verbosity=0); "
        "from tests.conftest import build_county; build_county()"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True
    )


def count_cases(env: dict, tag: int | None = None) -> tuple[int, set[str]]:
    """Cases in the database; with `tag`, only those a run with that tag submitted (its titles
    carry the tag: bench/wrk/submit.lua), so requests left over from another run never count."""
    import psycopg

    sql, params = "SELECT number FROM cases_case", []
    if tag is not None:
        sql += " WHERE title LIKE %s"
        params = [f"小区路灯损坏第{tag % 10}________号"]
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        numbers = {r[0] for r in conn.execute(sql, params)}
    return len(numbers), numbers


def settle(env: dict, tag=None, quiet: float = 5.0, limit: float = 90.0) -> tuple[int, set[str]]:
    """The cases once no new one has appeared for `quiet` seconds (requests wrk left behind)."""
    deadline = time.monotonic() + limit
    last = count_cases(env, tag)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = count_cases(env, tag)
        if now[0] == last[0]:
            return now
        last = now
    return last


class WaitSampler(threading.Thread):
    """Samples what the database's backends wait on, every 100 ms."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.waits: Counter = Counter()
        self.samples = 0

    def run(self) -> None:
        import psycopg

        dbname = self.url.rsplit("/", 1)[-1].split("?")[0]
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                rows = conn.execute(
                    "SELECT state, coalesce(wait_event_type, ''), coalesce(wait_event, '') "
                    "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [dbname],
                ).fetchall()
                self.samples += 1
                for state, kind, event in rows:
                    if state == "active":
                        self.waits[f"{kind}:{event}" if kind else "running"] += 1
                    elif state == "idle in transaction":
                        self.waits["idle in transaction (app working)"] += 1
                time.sleep(0.1)


class CpuMeter:
    """CPU seconds spent by the web server (gunicorn's process group), by the database's backends
    for the bench database, and by the whole machine, between `start` and `stop`. Read from
    /proc, so the figures hold whatever else runs on the machine."""

    def __init__(self, server_pgid: int, dbname: str):
        self.pgid = server_pgid
        self.dbname = dbname
        self.tick = os.sysconf("SC_CLK_TCK")

    def _procs(self) -> dict:
        """CPU seconds by process, keyed (group, pid), and the machine's busy seconds."""
        used: dict = {}
        for d in Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            try:
                stat = (d / "stat").read_text()
                cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            seconds = (int(fields[11]) + int(fields[12])) / self.tick  # utime + stime
            if int(fields[2]) == self.pgid:
                used[("app", d.name)] = seconds
            elif cmd.startswith("postgres:") and f" {self.dbname} " in cmd:
                used[("db", d.name)] = seconds
        with open("/proc/stat") as f:
            cpu = [int(x) for x in f.readline().split()[1:]]
        used[("machine", "")] = (sum(cpu) - cpu[3] - cpu[4]) / self.tick  # not idle or iowait
        return used

    def start(self) -> None:
        self.before = self._procs()

    def stop(self, petitions: int) -> dict:
        """Milliseconds of CPU per petition. A process that started during the run counts from
        zero; one that ended during it is missed (the database keeps its connections)."""
        after = self._procs()
        per = {"app": 0.0, "db": 0.0, "machine": 0.0}
        for (group, pid), seconds in after.items():
            per[group] += seconds - self.before.get((group, pid), 0.0)
        per = {k: v * 1000 / max(petitions, 1) for k, v in per.items()}
        per["other"] = per["machine"] - per["app"] - per["db"]
        out = {f"cpu_ms_per_petition_{k}": round(v, 2) for k, v in per.items()}
        # Connections live 60 s: a backend replaced during the run takes its CPU time with it.
        out["db_backends_ended_uncounted"] = sum(
            1 for group, pid in self.before if group == "db" and (group, pid) not in after
        )
        return out


def start_gunicorn(env: dict, port: int, workers: int, log: Path, profile_dir: Path | None):
    cmd = [
        str(VENV_BIN / "gunicorn"),
        "xinfang.config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--access-logfile",
        "-",
    ]
    if profile_dir is None:
        cmd += ["--config", "python:xinfang.config.gunicorn"]
    run_env = dict(env)
    if profile_dir is not None:
        cmd += ["--config", str(ROOT / "bench" / "wrk" / "gunicorn_profile.py")]
        run_env["XINFANG_BENCH_PROFILE_DIR"] = str(profile_dir)
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=run_env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    stop(proc)
    raise SystemExit(f"gunicorn did not answer; see {log}")


def stop(proc) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def run_wrk(port: int, concurrency: int, duration: int, tag: int, out_dir: Path) -> dict:
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    threads = min(2, concurrency)
    cmd = [
        wrk, f"-t{threads}", f"-c{concurrency}", f"-d{duration}s", "--timeout", "10s",
        "-s", str(LUA), f"http://127.0.0.1:{port}", "--", str(tag), str(out_dir),
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no summary:\n{done.stdout}\n{done.stderr}")
    return json.loads(line[len("WRK_JSON ") :])


def answered_numbers(out_dir: Path) -> list[str]:
    numbers: list[str] = []
    for f in sorted(out_dir.glob("thread-*.txt")):
        numbers.extend(line.strip() for line in f.read_text().splitlines() if line.strip())
    return numbers


def statements_per_submission(env: dict) -> dict:
    """Statements and commits of one API submission, in-process (fresh process, same DB)."""
    code = r"""
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
c = Client()
def post(i, key):
    headers = {"X-Forwarded-For": f"10.99.0.{i}", "X-Forwarded-Proto": "https"}
    if key:
        headers["Idempotency-Key"] = f"stmt-{i}"
    return c.post("/api/v1/petitions", {"content_type": "appeal", "title": "路灯", "division_code":
        "370687", "body": "小区东门路灯一直不亮", "petitioner": {"name": "测", "phone":
        f"1390000{i:04d}"}}, content_type="application/json", headers=headers, secure=True)
post(1, False)
out = {}
for i, key in ((2, False), (3, True)):
    real = connection.commit
    n = {"commits": 0}
    def counted():
        n["commits"] += 1
        return real()
    def autocommitted(execute, sql, params, many, context):
        # A write outside any transaction commits by itself.
        if not connection.in_atomic_block and sql.lstrip().upper().startswith(
            ("INSERT", "UPDATE", "DELETE", "WITH")
        ):
            n["commits"] += 1
        return execute(sql, params, many, context)
    connection.commit = counted
    with CaptureQueriesContext(connection) as q, connection.execute_wrapper(autocommitted):
        r = post(i, key)
    del connection.commit
    assert r.status_code == 201, r.content
    sql = [x["sql"] for x in q.captured_queries]
    out["with_key" if key else "without_key"] = {
        "statements": len(sql), "commits": n["commits"],
        "sql": [s[:90] for s in sql]}
print("STMT_JSON " + json.dumps(out))
"""
    run_env = {**env, "XINFANG_ALLOWED_HOSTS": "testserver"}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env=run_env, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"counting statements failed:\n{done.stdout}\n{done.stderr}")
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("STMT_JSON "))
    return json.loads(line[len("STMT_JSON ") :])


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def reference_cpu_ms() -> float:
    """CPU milliseconds of the same fixed Python work (sums of squares), timed in a process of
    its own just before a run: how fast the machine is at the time. On a shared virtual machine
    it varies from run to run, and the petitions a second vary with it."""
    code = "import time; t=time.process_time(); sum(i*i for i in range(3_000_000)); "
    code += "print(time.process_time()-t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    return round(float(out) * 1000, 1)


def profile_summary(profile_dir: Path, top: int = 25) -> list[str]:
    import io
    import pstats

    files = sorted(profile_dir.glob("*.prof"))
    if not files:
        return []
    stats = pstats.Stats(str(files[0]))
    for f in files[1:]:
        stats.add(str(f))
    lines: list[str] = []
    for order in ("cumulative", "tottime"):
        buf = io.StringIO()
        stats.stream = buf
        stats.strip_dirs().sort_stats(order).print_stats(top)
        lines.append(f"-- by {order}")
        lines.extend([ln for ln in buf.getvalue().splitlines() if ln.strip()][-top - 1 :])
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--repeat", type=int, default=1, help="run the concurrencies this many times, in turn"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--profile-cpu",
        action="store_true",
        help="with --profile: count CPU time, so waits on the database drop out",
    )
    args = parser.parse_args()
    duration = min(args.duration, MAX_DURATION)
    # Each run tags its titles with one digit (bench/wrk/submit.lua): at most nine runs.
    runs = (args.concurrency * max(args.repeat, 1))[:9]
    if not args.database_url.startswith("postgres"):
        raise SystemExit("bench/http_submit.py measures PostgreSQL; give a postgres:// URL")
    env = production_env(args.database_url)
    prepare_database(env)
    results: dict = {
        "what": "POST /api/v1/petitions over HTTP: gunicorn (docs/deployment.md), wrk on loopback",
        "engine": "postgresql",
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "duration_s": duration,
        "rate_limits": "production (30 per address an hour, 5 per phone a day)",
        "idempotency_key": "a distinct key on every request",
        "task_worker": "not running (one task row per case waits in the queue)",
        "load_before": load(),
        "statements": statements_per_submission(env),
        "runs": [],
    }
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="xinfang-bench-http-")) / "gunicorn.log"
    proc = start_gunicorn(env, port, args.workers, log, None)
    try:
        # Warm every worker (imports, word segmentation dictionary, caches); not measured.
        warm_dir = Path(tempfile.mkdtemp(prefix="xinfang-wrk-warm-"))
        run_wrk(port, 8, min(15, duration), 0, warm_dir)
        shutil.rmtree(warm_dir, ignore_errors=True)
        settle(env)
        for tag, concurrency in enumerate(runs, start=1):
            out_dir = Path(tempfile.mkdtemp(prefix=f"xinfang-wrk-{concurrency}-"))
            before, before_numbers = count_cases(env, tag)
            reference = reference_cpu_ms()
            sampler = WaitSampler(args.database_url)
            sampler.start()
            load_at_start = load()
            meter = CpuMeter(proc.pid, args.database_url.rsplit("/", 1)[-1].split("?")[0])
            meter.start()
            summary = run_wrk(port, concurrency, duration, tag, out_dir)
            cpu = meter.stop(summary["status_201"])
            load_at_end = load()
            sampler.stop.set()
            sampler.join()
            after, after_numbers = settle(env, tag)  # requests still on the way finish
            answered = answered_numbers(out_dir)
            new_numbers = after_numbers - before_numbers
            answered_set = set(answered)
            missing = sorted(answered_set - new_numbers)
            duplicates = len(answered) - len(answered_set)
            unanswered = len(new_numbers - answered_set)  # committed, answer cut off at the end
            check_ok = (
                summary["status_201"] > 0
                and not missing
                and duplicates == 0
                and len(answered) == summary["status_201"]
                and unanswered <= concurrency + summary["errors_timeout"]
                and after - before == len(answered) + unanswered
            )
            seconds = summary["duration_us"] / 1e6
            run = {
                "concurrency": concurrency,
                **summary,
                "petitions_per_s": round(summary["status_201"] / seconds, 1),
                "cases_created": after - before,
                "cases_answered_201": len(answered),
                "cases_committed_answer_cut_off_at_end": unanswered,
                "answered_but_missing_in_db": len(missing),
                "duplicate_answers": duplicates,
                "one_case_per_201": check_ok,
                "load_at_start": load_at_start,
                "load_at_end": load_at_end,
                "reference_cpu_ms": reference,
                **cpu,
                "db_wait_samples": sampler.samples,
                "db_backend_states": dict(sampler.waits.most_common(8)),
            }
            results["runs"].append(run)
            print(json.dumps(run, ensure_ascii=False))
            shutil.rmtree(out_dir, ignore_errors=True)
    finally:
        stop(proc)
    if args.profile:
        profile_dir = Path(tempfile.mkdtemp(prefix="xinfang-prof-"))
        profile_env = {**env, "XINFANG_BENCH_PROFILE_CPU": "1"} if args.profile_cpu else env
        proc = start_gunicorn(profile_env, port, 1, log, profile_dir)
        try:
            out_dir = Path(tempfile.mkdtemp(prefix="xinfang-wrk-prof-"))
            run_wrk(port, 8, duration, 9, out_dir)
        finally:
            stop(proc)
        results["profile_one_worker_c8"] = profile_summary(profile_dir)
        results["profile_clock"] = "CPU time" if args.profile_cpu else "wall time"
    results["load_after"] = load()
    write(results)


def write(results: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "http_submit-postgresql.json").write_text(
        json.dumps(results, indent=1, ensure_ascii=False) + "\n"
    )
    lines = [
        "# POST /api/v1/petitions over HTTP (gunicorn, PostgreSQL, wrk on loopback)",
        "",
        f"{results['cpus']} CPUs, {results['workers']} gunicorn workers, "
        f"{results['duration_s']} s per run, {results['rate_limits']}, "
        f"{results['idempotency_key']}; task worker {results['task_worker']}.",
        "",
        f"Load before: `{results['load_before']}`",
        "",
        "The reference is the CPU time of the same fixed Python work just before each run: "
        "the lower, the faster the machine was then.",
        "",
        "| concurrency | petitions/s | p50 ms | p95 ms | p99 ms | 201 | other | "
        "one case per 201 | CPU ms per petition: web / database / whole machine | load at end "
        "| reference ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results["runs"]:
        lines.append(
            f"| {r['concurrency']} | {r['petitions_per_s']} | {r['p50_ms']} | {r['p95_ms']} | "
            f"{r['p99_ms']} | {r['status_201']} | {r['status_429'] + r['status_other']} | "
            f"{'yes' if r['one_case_per_201'] else 'NO'} "
            f"(+{r['cases_committed_answer_cut_off_at_end']} cut off) | "
            f"{r['cpu_ms_per_petition_app']} / {r['cpu_ms_per_petition_db']}"
            + (
                f" (+{r['db_backends_ended_uncounted']} ended, uncounted)"
                if r.get("db_backends_ended_uncounted")
                else ""
            )
            + " / "
            f"{r['cpu_ms_per_petition_machine']} | "
            f"{r['load_at_end'].split('load average:')[-1].strip()} | "
            f"{r.get('reference_cpu_ms', '')} |"
        )
    by_concurrency: dict = {}
    for r in results["runs"]:
        by_concurrency.setdefault(r["concurrency"], []).append(r["petitions_per_s"])
    if any(len(v) > 1 for v in by_concurrency.values()):
        lines += [
            "",
            "Median petitions/s over the runs: "
            + ", ".join(
                f"c={c}: {statistics.median(v)} ({len(v)} runs, {min(v)}-{max(v)})"
                for c, v in by_concurrency.items()
            ),
        ]
    st = results["statements"]
    lines += [
        "",
        "Statements per submission (in-process, PostgreSQL): "
        f"without Idempotency-Key {st['without_key']['statements']} statements, "
        f"{st['without_key']['commits']} commit; with a key {st['with_key']['statements']} "
        f"statements, {st['with_key']['commits']} commit(s) (a first attempt does not look the "
        "key up; its answer is written with the case).",
        "",
        "What the database backends were doing (samples every 100 ms while wrk ran):",
        "",
    ]
    for r in results["runs"]:
        lines.append(f"- c={r['concurrency']}: {r['db_backend_states']}")
    if results.get("profile_one_worker_c8"):
        clock = results.get("profile_clock", "wall time")
        lines += [
            "",
            f"cProfile ({clock}) of one worker (c=8, after its first 5 requests):",
            "",
            "```",
        ]
        lines += results["profile_one_worker_c8"]
        lines += ["```"]
    lines += ["", f"Load after: `{results['load_after']}`", ""]
    (RESULTS / "http_submit-postgresql.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
