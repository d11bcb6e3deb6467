"""Production settings (docs/deployment.md): `check --deploy` is clean, the application refuses
to start on development keys, and every page carries a Content-Security-Policy that its own
markup satisfies (no inline script)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "xinfang"


def _production_env(**overrides) -> dict:
    """The variables docs/deployment.md puts in /etc/xinfang/env."""
    # Nothing of this test process's own settings (browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XINFANG_", "DJANGO_"))}
    env.update(
        XINFANG_DEBUG="false",
        XINFANG_SECRET_KEY=secrets.token_urlsafe(50),
        XINFANG_DATA_KEY=secrets.token_urlsafe(48),
        XINFANG_AUDIT_KEY=secrets.token_urlsafe(48),
        XINFANG_ALLOWED_HOSTS="xf.example.gov.cn",
        XINFANG_CSRF_TRUSTED_ORIGINS="https://xf.example.gov.cn",
        XINFANG_TRUST_X_FORWARDED_FOR="true",
        XINFANG_TRUST_X_FORWARDED_PROTO="true",
        DJANGO_SETTINGS_MODULE="xinfang.config.settings",
    )
    env.update(overrides)
    return env


def _manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout and "WARNING" not in result.stdout + result.stderr


def test_the_deployment_guide_sets_the_variables_the_check_relies_on():
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    env_block = guide.split("/etc/xinfang/env` (owner root")[1].split("```")[1]
    for name in _production_env():
        if name.startswith("XINFANG_"):
            assert f"{name}=" in env_block, name


@pytest.mark.parametrize(
    "overrides, says",
    [
        ({"XINFANG_SECRET_KEY": "dev-only-insecure-key-change-me"}, "XINFANG_SECRET_KEY"),
        ({"XINFANG_SECRET_KEY": "short"}, "XINFANG_SECRET_KEY"),
        ({"XINFANG_DATA_KEY": ""}, "derived from the secret key"),
        ({"XINFANG_AUDIT_KEY": ""}, "XINFANG_AUDIT_KEY is not set"),
        ({"XINFANG_AUDIT_KEY": "dev-only-audit-key-change-me"}, "XINFANG_AUDIT_KEY"),
        ({"XINFANG_SECRET_KEY": "k" * 20 + "abcdefghij" * 4, "XINFANG_DATA_KEY": None}, ""),
    ],
)
def test_debug_off_refuses_to_start_on_development_keys(overrides, says):
    env = _production_env(**{k: v for k, v in overrides.items() if v is not None})
    if overrides.get("XINFANG_DATA_KEY", "x") is None:
        env["XINFANG_DATA_KEY"] = env["XINFANG_SECRET_KEY"]  # the data key equal to it
        says = "XINFANG_DATA_KEY is the secret key"
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and says in result.stderr


@pytest.mark.parametrize("same_as", ["XINFANG_SECRET_KEY", "XINFANG_DATA_KEY"])
def test_an_audit_key_shared_with_another_key_is_refused(same_as):
    env = _production_env()
    env["XINFANG_AUDIT_KEY"] = env[same_as]
    result = _manage("check", env=env)
    assert result.returncode != 0 and "XINFANG_AUDIT_KEY" in result.stderr


def test_a_data_key_derived_from_the_secret_key_is_refused():
    env = _production_env()
    env["XINFANG_DATA_KEY"] = "derived:" + env["XINFANG_SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0 and "derived from it" in result.stderr


def test_the_wsgi_application_refuses_too():
    env = _production_env(XINFANG_DATA_KEY="")
    code = "import xinfang.config.wsgi"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr


def test_debug_on_keeps_the_development_defaults_working():
    env = _production_env(XINFANG_DEBUG="true", XINFANG_SECRET_KEY="", XINFANG_DATA_KEY="")
    env.pop("XINFANG_SECRET_KEY")
    assert _manage("check", env=env).returncode == 0


# A script element without src runs inline, unless it is a data block (type application/json).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\s(on[a-z]+)=[\"']", re.I)


def test_no_template_has_inline_script_or_event_handlers():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for m in INLINE_SCRIPT.finditer(text):
            found.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
        for m in INLINE_HANDLER.finditer(text):
            found.append(f"{path.relative_to(ROOT)}: {m.group(1)}")
    assert not found, found


def test_pages_carry_a_policy_without_inline_script_and_htmx_without_eval(client, county):
    from tests.conftest import register_appeal

    register_appeal(county)
    client.force_login(county.users["clerk"])
    for url in ("/", "/submit/", "/track/", "/desk/", "/desk/intake/", "/api/docs"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        policy = resp["Content-Security-Policy"]
        directives = dict((d.split()[0], d.split()[1:]) for d in policy.split(";") if d.strip())
        assert directives["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, url
        assert directives["frame-ancestors"] == ["'none'"]
        html = resp.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        if "htmx" in html:
            assert '"allowEval": false' in html, url
