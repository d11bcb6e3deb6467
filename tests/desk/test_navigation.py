"""Each user sees in the navigation only the pages their roles open; any other page answers a
Chinese 403 page with the navigation and a way back; 404, 500 and CSRF failures alike."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import path

from xinfang.config import errors
from xinfang.config import urls as site_urls

NAV = re.compile(r'<nav aria-label="[^"]*">(.*?)</nav>', re.S)
LINKS = {
    "/desk/": "收件箱",
    "/desk/intake/": "登记",
    "/desk/intake/list/": "登记列表",
    "/desk/supervision/": "督办",
    "/desk/leaders/": "领导包案",
    "/desk/grid/": "网格台账",
    "/desk/statistics/": "统计分析",
    "/desk/scorecards/": "考核评价",
    "/desk/backlog/": "积案台账",
    "/desk/map/": "地图",
    "/desk/alerts/": "问题预警",
    "/desk/reception/": "领导接待",
}
# Who sees which workbench pages (conftest's county).
EXPECTED = {
    "clerk": {
        "/desk/",
        "/desk/intake/",
        "/desk/intake/list/",
        "/desk/supervision/",
        "/desk/grid/",
        "/desk/reception/",
    },
    "handler": {"/desk/", "/desk/supervision/"},
    "head": {"/desk/", "/desk/supervision/"},
    "supervisor": {
        "/desk/",
        "/desk/supervision/",
        "/desk/leaders/",
        "/desk/grid/",
        "/desk/statistics/",
        "/desk/scorecards/",
        "/desk/backlog/",
        "/desk/map/",
        "/desk/meetings/",
        "/desk/alerts/",
        "/desk/reception/",
    },
    "leader": {
        "/desk/",
        "/desk/supervision/",
        "/desk/leaders/",
        "/desk/grid/",
        "/desk/statistics/",
        "/desk/scorecards/",
        "/desk/backlog/",
        "/desk/map/",
        "/desk/meetings/",
        "/desk/letters/",
        "/desk/alerts/",
        "/desk/reception/",
    },
    "grid": {"/desk/", "/desk/grid/"},
    "town_handler": {"/desk/", "/desk/supervision/", "/desk/grid/"},
}


def _nav_links(html: str) -> set[str]:
    nav = NAV.search(html).group(1)
    return set(re.findall(r'<a href="(/desk/[^"]*)"', nav))


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_the_navigation_lists_what_the_roles_open_and_nothing_else(county, client, who):
    client.force_login(county.users[who])
    html = client.get("/desk/").content.decode()
    assert _nav_links(html) == EXPECTED[who]
    for url, label in LINKS.items():
        status = client.get(url).status_code
        if url in EXPECTED[who]:
            assert status == 200, (who, url)
            assert f">{label}</a>" in NAV.search(html).group(1)
        else:
            assert status == 403, (who, url)


@pytest.mark.parametrize("who, url", [("handler", "/desk/intake/"), ("grid", "/desk/leaders/")])
def test_a_forbidden_page_is_a_chinese_403_with_navigation_and_a_way_back(county, client, who, url):
    client.force_login(county.users[who])
    resp = client.get(url, HTTP_REFERER="http://testserver/desk/?queue=overdue")
    html = resp.content.decode()
    assert resp.status_code == 403
    assert "Forbidden" not in html and "您无权打开此页面" in html
    assert '<html lang="zh-CN">' in html
    assert _nav_links(html) == EXPECTED[who]  # the user's own navigation
    assert 'href="/desk/?queue=overdue"' in html and "返回上一页" in html  # back where they were
    assert 'href="/desk/"' in html and "回到收件箱" in html
    assert "退出登录" in html


def test_a_missing_page_is_a_chinese_404_on_the_desk_and_on_the_portal(county, client):
    client.force_login(county.users["handler"])
    html = client.get("/desk/case/XF-000000-20260101-999999/").content.decode()
    assert "页面不存在" in html and _nav_links(html) == EXPECTED["handler"]
    client.logout()
    resp = client.get("/no-such-page/")
    html = resp.content.decode()
    assert resp.status_code == 404 and "页面不存在" in html and "Not Found" not in html
    assert 'href="/track/"' in html and "回到首页" in html  # the citizen's navigation


def test_the_500_page_renders_without_touching_the_database(county, django_assert_num_queries):
    request = RequestFactory().get("/desk/case/XF-1/")
    with django_assert_num_queries(0):
        resp = errors.server_error(request)
    html = resp.content.decode()
    assert resp.status_code == 500
    assert "系统出现错误" in html and 'href="/desk/"' in html and "回到收件箱" in html


def _broken(request):
    raise RuntimeError("a fault")


# This module doubles as a URL conf: the site's pages plus one that fails.
urlpatterns = [path("boom/", _broken), *site_urls.urlpatterns]
handler500 = site_urls.handler500


def test_an_unhandled_error_answers_the_chinese_500_page(county, settings):
    settings.ROOT_URLCONF = __name__
    resp = Client(raise_request_exception=False).get("/boom/")
    assert resp.status_code == 500 and "系统出现错误" in resp.content.decode()


def test_a_csrf_failure_is_a_chinese_page_with_the_navigation(county):
    client = Client(enforce_csrf_checks=True)
    client.force_login(county.users["clerk"])
    resp = client.post("/desk/intake/", {"title": "x"})
    html = resp.content.decode()
    assert resp.status_code == 403
    assert "表单已失效" in html and "CSRF verification failed" not in html
    assert _nav_links(html) == EXPECTED["clerk"]
