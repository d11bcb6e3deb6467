"""In chromium: the offline API docs, two-factor enrolment, the 403 and 404 pages, and no
Content-Security-Policy violation on the way (phone and desktop)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import login
from tests.browser.test_accessibility import assert_accessible
from tests.conftest import build_county

pytestmark = pytest.mark.django_db(transaction=True)


def _offline(page) -> list[str]:
    """Abort every request that leaves this machine; the list fills with what was tried."""
    tried: list[str] = []

    def route(r):
        host = urlsplit(r.request.url).hostname
        if host in ("localhost", "127.0.0.1"):
            r.continue_()
        else:
            tried.append(r.request.url)
            r.abort()

    page.context.route("**/*", route)
    return tried


def _csp_violations(page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return seen


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_api_docs_work_offline_under_the_policy(live_server, desktop_page, phone_page, shot, size):
    page = desktop_page if size == "desktop" else phone_page
    outside = _offline(page)
    violations = _csp_violations(page)
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".opblock", timeout=20000)
    text = page.inner_text("#swagger-ui")
    for path in ("/api/v1/petitions", "/api/v1/track/{tracking_code}", "/api/v1/cases"):
        assert path in text, path
    assert page.locator(".opblock").count() >= 10
    shot(page, f"api-docs-{size}")
    assert outside == [] and violations == []


def test_a_clerk_enrols_an_authenticator_and_signs_in(
    live_server, desktop_page, phone_page, shot, settings
):
    settings.SIGNIN = {**settings.SIGNIN, "OTP_REQUIRED_ROLES": frozenset({"intake_clerk"})}
    build_county()
    for page, size in ((phone_page, "phone"), (desktop_page, "desktop")):
        violations = _csp_violations(page)
        page.goto(f"{live_server.url}/desk/login/?next=/desk/")
        shot(page, f"login-{size}")
        assert_accessible(page, "sign-in")
        page.fill("#id_username", "clerk")
        page.fill("#id_password", "pw-clerk")
        page.click("#login-form [type=submit]")
        page.wait_for_url("**/desk/two-factor/**")
        if size == "phone":
            assert page.locator(".qr svg").is_visible()
            box = page.locator(".qr svg").bounding_box()
            assert 150 <= box["width"] <= 390
            shot(page, f"two-factor-setup-{size}")
            assert_accessible(page, "two-factor setup")
            page.fill("#id_token", "000000")
            page.click("#token-form [type=submit]")
            assert "验证码不正确" in page.inner_text(".errorlist")
            page.wait_for_timeout(1100)  # django-otp's back-off after a wrong code
        else:
            assert "身份验证器" in page.inner_text("main")
            shot(page, f"two-factor-{size}")
            # A code is accepted once; let this sign-in use the same 30 seconds' code again.
            TOTPDevice.objects.filter(user__username="clerk").update(last_t=-1)
        device = TOTPDevice.objects.get(user__username="clerk")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        page.fill("#id_token", f"{code:06d}")
        page.click("#token-form [type=submit]")
        page.wait_for_url("**/desk/")
        nav = page.inner_text("header nav")
        assert "登记" in nav and "领导包案" not in nav and "退出登录" in nav
        shot(page, f"inbox-{size}")
        page.click("header nav .signout button")
        page.wait_for_url("**/desk/login/")
        assert violations == [], violations


def test_a_handler_meets_the_chinese_403_and_404_pages(live_server, desktop_page, phone_page, shot):
    build_county()
    for page, size in ((desktop_page, "desktop"), (phone_page, "phone")):
        violations = _csp_violations(page)
        login(page, live_server, "handler", "pw-handler")
        nav = page.inner_text("header nav")
        assert "登记" not in nav and "网格台账" not in nav and "督办" in nav
        page.goto(f"{live_server.url}/desk/intake/")
        main = page.inner_text("main")
        assert "您无权打开此页面" in main and "只有登记员可以使用登记台" in main
        assert "Forbidden" not in page.content()
        shot(page, f"403-{size}")
        assert_accessible(page, "403")
        page.click("text=返回上一页")
        page.wait_for_url("**/desk/")
        page.goto(f"{live_server.url}/desk/case/XF-000000-20260101-000009/")
        assert "页面不存在" in page.inner_text("main")
        shot(page, f"404-{size}")
        assert_accessible(page, "404")
        page.click("text=回到收件箱")
        page.wait_for_url("**/desk/")
        assert violations == [], violations


def test_the_admin_works_under_the_policy(live_server, desktop_page, shot):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", password="pw-root-admin")
    page = desktop_page
    violations = _csp_violations(page)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "pw-root-admin")
    page.click("[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(f"{live_server.url}/admin/accounts/securityevent/")
    assert "root" in page.inner_text("#result_list")
    shot(page, "security-log")
    page.goto(f"{live_server.url}/admin/orgs/body/add/")
    page.wait_for_selector("#body_form")
    assert violations == [], violations
