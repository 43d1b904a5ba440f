"""Admin of action programmes: every changelist renders, and a programme's page with its projects
inline runs the same number of queries with 1 and with 3 projects."""

import pytest
from django.contrib import admin
from django.urls import reverse

from programmes.models import ActionProgramme, Observation, Project
from tests.factories import OrganizationFactory
from tests.programmes.factories import ActionProgrammeFactory, ObservationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [ActionProgramme, Project, Observation], ids=lambda m: m._meta.label)
def test_model_is_registered_and_lists(model, admin_client):
    programme = ActionProgrammeFactory()
    ObservationFactory(project=ProjectFactory(programme=programme))
    opts = model._meta
    response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert admin.site.is_registered(model)
    assert response.status_code == 200
    assert str(opts.verbose_name_plural).lower() in response.content.decode().lower()


def _programme_with(projects):
    programme = ActionProgrammeFactory()
    for position in range(1, projects + 1):
        project = ProjectFactory(programme=programme, position=position)
        project.partner_organizations.add(OrganizationFactory())
    return programme


@pytest.mark.parametrize("projects", [1, 3])
def test_programme_change_page_queries_do_not_grow_with_projects(
    admin_client, projects, django_assert_num_queries
):
    """Session, user, two-factor device, programme, committees, projects, the commune twice."""
    warm = _programme_with(1)
    admin_client.get(
        reverse("admin:programmes_actionprogramme_change", args=[warm.pk])
    )  # content types cached
    programme = _programme_with(projects)
    with django_assert_num_queries(8):
        response = admin_client.get(reverse("admin:programmes_actionprogramme_change", args=[programme.pk]))
    page = response.content.decode()
    assert page.count('name="projects-') > projects * 10
    assert "Import projects from a sheet" in page
