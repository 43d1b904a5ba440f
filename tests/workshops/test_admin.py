"""Admin list pages staff use: a fixed number of queries whatever the rows."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [
        "workshop",
        "participation",
        "attendance",
        "recommendation",
        "followup",
        "monitoringcommittee",
        "session",
        "project",
    ],
)
def test_admin_lists_do_not_grow_queries_with_rows(
    admin_client, example, model, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse(f"admin:workshops_{model}_changelist"))
    assert response.status_code == 200
    assert "result_list" in response.content.decode() or "0 " in response.content.decode()


def test_person_admin_list_is_constant_queries(admin_client, example, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("admin:organizations_person_changelist"))
    assert "+212600000901" in response.content.decode()
