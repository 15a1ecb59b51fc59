import pytest
from playwright.sync_api import expect

from kototori.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "direction", "log_out"), [("fi", "ltr", "Kirjaudu ulos"), ("ar", "rtl", None)]
)
def test_front_desk_logs_in_and_reaches_the_dashboard(
    page, login, make_member, hub, language, direction, log_out
):
    user = make_member(Role.FRONT_DESK, hub, preferred_language=language)
    login(page, user)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    expect(page.locator("main h1")).to_be_visible()
    assert f"/{hub.slug}/" in page.url
    if log_out:
        expect(page.get_by_role("button", name=log_out)).to_be_visible()
    if direction == "rtl":
        # The page really mirrors: the brand sits at the right edge, the user menu at the left.
        brand = page.locator(".brand").bounding_box()
        menu = page.locator(".user-menu").bounding_box()
        assert brand["x"] > menu["x"]
