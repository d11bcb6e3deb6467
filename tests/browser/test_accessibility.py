"""Accessibility: axe-core (WCAG 2 A and AA rules) on the citizen pages at phone size and the
desk pages at desktop size, and the petition form driven by keyboard alone on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import login
from tests.conftest import TAXONOMY_CSV, build_county, register_appeal, replied_appeal
from xinfang.taxonomy.services import load_taxonomy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}

RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                              why: n.failureSummary || ''})),
  }));
}"""


def assert_accessible(page, name: str) -> None:
    """Inject axe into the page and fail on any serious or critical WCAG 2 A/AA violation."""
    # Served as if from the site: the Content-Security-Policy refuses inline script.
    origin = "/".join(page.url.split("/")[:3])
    page.route(
        f"{origin}/__axe__.js",
        lambda route: route.fulfill(path=str(AXE), content_type="application/javascript"),
    )
    page.add_script_tag(url=f"{origin}/__axe__.js")
    violations = [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]
    if violations:
        lines = [f"{name} ({page.url}): {len(violations)} serious/critical axe violation(s)"]
        for v in violations:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']}")
            for node in v["nodes"][:5]:
                why = " ".join(node["why"].split())
                lines.append(f"    {node['target']}\n      {node['html']}\n      {why}")
        pytest.fail("\n".join(lines), pytrace=False)


def assert_fits(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{name} scrolls sideways ({width}px on a {viewport}px screen)"


@pytest.fixture
def county(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    county = build_county()
    load_taxonomy(path=TAXONOMY_CSV)
    return county


def replied(county, **overrides):
    """A case answered by the housing bureau: the citizen may rate it or ask for a review."""
    reg = register_appeal(county, public_consent=True, **overrides)
    replied_appeal(county, reg.case)
    return reg


def test_citizen_pages_on_a_phone_pass_axe(live_server, county, phone_page, shot):
    page = phone_page
    reg = replied(county)

    page.goto(f"{live_server.url}/")
    assert_accessible(page, "home")

    page.goto(f"{live_server.url}/submit/")
    page.get_by_role("button", name="提交信访事项").click()
    page.locator("#error-summary").wait_for()
    assert_fits(page, "submit with errors")
    assert_accessible(page, "submit with errors")

    page.get_by_label("建议意见").check()
    page.get_by_label("标题").fill("建议增设公交站")
    page.get_by_label("事实经过和诉求").fill("留格庄镇东村附近没有公交站，建议增设。")
    page.get_by_role("button", name="提交信访事项").click()
    page.wait_for_url("**/submit/done/")
    assert_fits(page, "receipt")
    assert_accessible(page, "receipt")

    page.goto(f"{live_server.url}/track/")
    assert_accessible(page, "track form")
    page.get_by_label("查询码").fill(reg.tracking_code)
    page.get_by_label("查询密码").fill(reg.query_password)
    page.get_by_role("button", name="查询", exact=True).click()
    page.wait_for_url(f"**/track/{reg.case.number}/")
    assert page.locator("#rate").is_visible() and page.locator("#review").is_visible()
    assert_fits(page, "tracked case")
    assert_accessible(page, "tracked case with rating and review forms")
    # Rating without choosing shows the form's own error summary.
    page.get_by_role("button", name="提交评价").click()
    page.locator("#rate .error-summary").wait_for()
    shot(page, "rate-errors")
    assert_accessible(page, "tracked case with rating errors")

    page.goto(f"{live_server.url}/board/")
    assert reg.case.title in page.inner_text("main")
    assert_fits(page, "board")
    assert_accessible(page, "board")
    shot(page, "board")


def test_desk_pages_at_desktop_pass_axe(live_server, county, desktop_page, shot):
    page = desktop_page
    case = replied(county).case
    login(page, live_server, "clerk", "pw-clerk")
    assert_accessible(page, "inbox")

    page.goto(f"{live_server.url}/desk/case/{case.number}/")
    page.locator("h1").first.wait_for()
    assert_accessible(page, "case page")

    page.goto(f"{live_server.url}/desk/intake/")
    assert_accessible(page, "intake form")
    page.click("#check-button")
    page.locator(".field-error").first.wait_for()
    shot(page, "intake-errors")
    assert_accessible(page, "intake form with errors")


FOCUSABLE_IN_FORM = """() => {
  const form = document.querySelector('form.petition-form');
  const seenRadio = new Set();
  return [...form.querySelectorAll('input, select, textarea, button')].filter(el => {
    if (el.type === 'hidden' || el.disabled || el.tabIndex < 0) return false;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) return false;
    if (el.type === 'radio') {  // one stop per group while none is checked
      if (seenRadio.has(el.name)) return false;
      seenRadio.add(el.name);
    }
    return true;
  }).map(el => el.id || el.name || el.textContent.trim());
}"""

ACTIVE = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  return {key: el.id || el.name || el.textContent.trim(), tag: el.tagName, type: el.type || '',
          inForm: !!el.closest('form.petition-form'), top: box.top + window.scrollY};
}"""


def test_petition_form_by_keyboard_on_a_phone(live_server, county, phone_page, shot):
    page = phone_page
    page.goto(f"{live_server.url}/submit/")

    # The first Tab reaches the skip link, and Enter on it puts focus on the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    expected = page.evaluate(FOCUSABLE_IN_FORM)
    for key in (
        "id_content_type_0",
        "category-q",
        "id_title",
        "id_body",
        "id_name",
        "id_phone",
        "id_public_consent",
        "提交信访事项",
    ):
        assert key in expected, f"{key} cannot be reached by Tab"

    reached, tops = [], []
    typed = {"id_title": "路灯不亮", "id_body": "东村主路路灯一直不亮，请求维修。"}
    for _ in range(len(expected) + 5):
        page.keyboard.press("Tab")
        now = page.evaluate(ACTIVE)
        if not now["inForm"]:
            continue
        reached.append(now["key"])
        tops.append(now["top"])
        if now["key"] == "id_content_type_0":
            page.keyboard.press("Space")  # choose 建议意见: no contact details needed
        elif now["key"] in typed:
            page.keyboard.type(typed[now["key"]])
        if now["tag"] == "BUTTON" and now["key"] == "提交信访事项":
            break
    assert reached == expected, "Tab order differs from the order of the form"
    assert tops == sorted(tops), "Tab jumps back up the page on a phone"
    shot(page, "focused-submit")

    page.keyboard.press("Enter")
    page.wait_for_url("**/submit/done/")
    assert page.locator("#tracking-code").inner_text().strip()
