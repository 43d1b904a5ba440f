"""Every admin page staff use for our apps, in a real browser, in Arabic and French: the index,
each changelist and each change form (of a record of the founding example). axe-core finds no
serious or critical fault and nothing is wider than a 375 px phone. The workshop list at 1280 px
shows all its columns (status and publication included) without scrolling. Screenshots of the
workshop form and list go to test-artifacts/screenshots/ (admin-workshop-form-<lang>-375.png,
admin-workshop-list-<lang>-375.png and -1280.png) for a person to look at; the pages checked
are printed (``-s``).

The account may view and change everything of our apps, personal data included (certificates
and check-in records show only with it), so it signs in with a backup code as second factor."""

import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django_otp.plugins.otp_static.models import StaticDevice

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_pages import AXE_SCRIPT, OVERFLOW_SCRIPT
from tests.browser.test_staff_pages import PASSWORD, wait_for_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BACKUP_CODE = "backup-code-1"
OUR_APPS = {"workshops", "organizations", "regions", "attendance", "registrations", "programmes"}


@pytest.fixture
def editor(example, django_user_model):
    user = django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=OUR_APPS))
    # Personal data asks for a second factor: a backup code, typed on the login page.
    device = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
    device.token_set.create(token=BACKUP_CODE)
    return user


@pytest.fixture
def admin_paths(editor):
    """The index, then a changelist and a change form per model of our apps, under ``/{lang}/``
    (read from the database before the browser opens: not from the test's body)."""
    paths = ["/{lang}/admin/"]
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in OUR_APPS:
            continue
        base = "/{lang}/admin/" + f"{meta.app_label}/{meta.model_name}/"
        paths.append(base)
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths.append(f"{base}{first.pk}/change/")
    return paths


# A header is seen when it lies within the screen and within the list's own scrolling box
# (.results), which hides what does not fit beside the menu and the filters.
COLUMNS_OFF_SCREEN = """() => {
  const box = document.querySelector("#changelist .results").getBoundingClientRect();
  const left = Math.max(0, box.left), right = Math.min(innerWidth, box.right);
  return Array.from(document.querySelectorAll("#result_list thead th"))
    .filter((th) => {
      const r = th.getBoundingClientRect();
      return r.left < left - 1 || r.right > right + 1;
    })
    .map((th) => th.textContent.trim());
}"""


def workshop_columns_off_screen(page, lang):
    """Headers of the workshop list (status and publication included) not wholly on a 1280 px
    screen without scrolling."""
    page.page.set_viewport_size({"width": 1280, "height": 900})
    wait_for_width(page, 1280)
    page.open(f"/{lang}/admin/workshops/workshop/")
    return page.page.evaluate(COLUMNS_OFF_SCREEN)


def findings(page, path):
    """``(overflow at 375 px or None, serious or critical axe-core violations)`` on ``path``."""
    page.open(path)
    wait_for_width(page, 375)
    fit = page.page.evaluate(OVERFLOW_SCRIPT)
    overflow = fit if fit["scrollWidth"] > fit["innerWidth"] else None
    page.page.add_script_tag(url="/__browser-tests__/axe.min.js")
    violations = page.page.evaluate(AXE_SCRIPT)
    serious = [
        (v["id"], v["impact"], v["nodes"][:3]) for v in violations if v["impact"] in {"serious", "critical"}
    ]
    return overflow, serious


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_every_admin_page_of_our_apps_fits_a_phone_and_passes_axe(
    editor, example, admin_paths, page, axe_core, lang
):
    page.page.route(
        "**/__browser-tests__/axe.min.js",
        lambda route: route.fulfill(path=str(axe_core), content_type="text/javascript"),
    )
    page.page.set_viewport_size({"width": 375, "height": 900})
    page.page.goto(f"{page.base_url}/{lang}/admin/login/")
    page.page.fill("#id_username", "editor")
    page.page.fill("#id_password", PASSWORD)
    page.page.fill("#id_otp_token", BACKUP_CODE)
    page.page.click("#login-form [type=submit]")
    page.page.wait_for_url(f"**/{lang}/admin/")
    problems = {}
    for path in (path.format(lang=lang) for path in admin_paths):
        overflow, serious = findings(page, path)
        print(path, "overflow" if overflow else "fits", f"{len(serious)} serious/critical")
        if overflow or serious:
            problems[path] = {"overflow": overflow, "axe": serious}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.open(f"/{lang}/admin/workshops/workshop/{example.pk}/change/")
    page.page.screenshot(path=str(SCREENSHOTS / f"admin-workshop-form-{lang}-375.png"), full_page=True)
    page.open(f"/{lang}/admin/workshops/workshop/")
    page.page.screenshot(path=str(SCREENSHOTS / f"admin-workshop-list-{lang}-375.png"), full_page=True)
    off_screen = workshop_columns_off_screen(page, lang)
    page.page.screenshot(path=str(SCREENSHOTS / f"admin-workshop-list-{lang}-1280.png"))
    # The whole list, for a person to read (pytest shortens the assertion's message).
    (SCREENSHOTS / f"admin-axe-{lang}.json").write_text(json.dumps(problems, indent=1, ensure_ascii=False))
    assert not problems, problems
    assert not off_screen, f"workshop list at 1280 px: columns off screen: {off_screen}"
