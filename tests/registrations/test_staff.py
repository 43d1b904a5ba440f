"""What staff do with registrations: approve or refuse them, print the form's link and QR code."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from registrations.models import Registration
from tests.factories import ParticipationFactory
from tests.registrations.test_register import submit
from workshops.models import Participation

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(username="editor", password="password", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_with_approval_a_registration_waits_and_does_not_count(open_workshop):
    open_workshop.registration_needs_approval = True
    open_workshop.save()
    client, _response = submit(open_workshop, "en")
    participation = Participation.objects.get()
    assert participation.status == Participation.Status.PENDING
    assert not Participation.objects.counted().exists()
    page = client.get(reverse("registrations:done", kwargs={"slug": open_workshop.slug}))
    assert "Your registration is received" in page.content.decode()
    assert "once they have approved yours" in page.content.decode()


def test_editors_approve_and_refuse_in_the_admin_and_a_refusal_frees_the_place(open_workshop, editor):
    open_workshop.registration_needs_approval = True
    open_workshop.registration_capacity = 2
    open_workshop.save()
    submit(open_workshop, "en", phone="0661000001")
    submit(open_workshop, "en", phone="0661000002")
    assert "full" in submit(open_workshop, "en", phone="0661000003")[1].content.decode()
    first, second = Registration.objects.order_by("pk")
    client = Client()
    client.force_login(editor)
    changelist = reverse("admin:registrations_registration_changelist")
    assert client.get(changelist).status_code == 200
    client.post(changelist, {"action": "approve", "_selected_action": [first.pk]})
    client.post(changelist, {"action": "refuse", "_selected_action": [second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.participation.status == Participation.Status.REGISTERED
    assert second.participation.status == Participation.Status.REFUSED
    assert (first.decided_by, second.decided_by) == (editor, editor)
    # Deciding again changes nothing.
    client.post(changelist, {"action": "approve", "_selected_action": [second.pk]})
    second.refresh_from_db()
    assert second.participation.status == Participation.Status.REFUSED
    assert submit(open_workshop, "en", phone="0661000003")[1].status_code == 302


def test_a_viewer_cannot_approve(open_workshop, django_user_model):
    open_workshop.registration_needs_approval = True
    open_workshop.save()
    submit(open_workshop, "en")
    viewer = django_user_model.objects.create_user(username="viewer", password="password", is_staff=True)
    viewer.groups.add(Group.objects.get(name="Viewers"))
    client = Client()
    client.force_login(viewer)
    changelist = reverse("admin:registrations_registration_changelist")
    client.post(changelist, {"action": "approve", "_selected_action": [Registration.objects.get().pk]})
    assert Participation.objects.get().status == Participation.Status.PENDING


def test_counted_participations_leave_out_pending_and_refused():
    ParticipationFactory(status=Participation.Status.PENDING)
    ParticipationFactory(status=Participation.Status.REFUSED)
    attended = ParticipationFactory(status=Participation.Status.ATTENDED)
    assert list(Participation.objects.counted()) == [attended]


def test_the_link_page_needs_a_member_of_staff_who_may_see_workshops(open_workshop, staff_user, editor):
    url = reverse("reports:registration_link", kwargs={"pk": open_workshop.pk})
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    client = Client()
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    client.force_login(editor)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "private" in page["Cache-Control"]
    assert 'class="qr-code"' in html
    png = client.get(reverse("reports:registration_link_qr", kwargs={"pk": open_workshop.pk, "fmt": "png"}))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    svg = client.get(reverse("reports:registration_link_qr", kwargs={"pk": open_workshop.pk, "fmt": "svg"}))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert (
        client.get(
            reverse("reports:registration_link_qr", kwargs={"pk": open_workshop.pk, "fmt": "gif"})
        ).status_code
        == 404
    )


def test_the_workshops_admin_page_links_to_the_registration_link(open_workshop, admin_client):
    page = admin_client.get(reverse("admin:workshops_workshop_change", args=[open_workshop.pk]))
    html = page.content.decode()
    assert reverse("reports:registration_link", kwargs={"pk": open_workshop.pk}) in html
    assert 'name="registration_open"' in html and 'name="registration_capacity"' in html


def test_the_public_link_has_no_language_prefix_and_leads_to_the_visitors_language(open_workshop, editor):
    client = Client()
    client.force_login(editor)
    page = client.get(reverse("reports:registration_link", kwargs={"pk": open_workshop.pk}))
    link = page.context["link"]
    assert (
        link
        == "http://testserver/register/%D9%88%D8%B1%D8%B4%D8%A9-%D8%A7%D9%84%D9%85%D9%8A%D8%B2%D8%A7%D9%86%D9%8A%D8%A9/"
    )
    visitor = Client(HTTP_ACCEPT_LANGUAGE="ar")
    response = visitor.get(link.removeprefix("http://testserver"))
    assert response.status_code == 302
    assert response["Location"].startswith("/ar/register/")
    assert visitor.get(response["Location"]).status_code == 200


def test_the_pre_filled_sign_in_sheet_leaves_out_refused_and_cancelled_people(open_workshop):
    from attendance.signin import sign_in_rows

    for name, status in [
        ("Pending", Participation.Status.PENDING),
        ("Registered", Participation.Status.REGISTERED),
        ("Refused", Participation.Status.REFUSED),
        ("Cancelled", Participation.Status.CANCELLED),
    ]:
        ParticipationFactory(workshop=open_workshop, person__last_name=name, status=status)
    rows, names = sign_in_rows(open_workshop)
    assert names == 2
    last_names = sorted(dict(row.cells)["last_name"] for row in rows[:names])
    assert last_names == ["Pending", "Registered"]
