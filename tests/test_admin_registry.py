"""Every model of our apps is registered in the admin, and each changelist renders for a superuser;
but the public summary tables, which hold figures derived from the data (``workshops.summaries``,
rebuilt by ``rebuild_public_figures``), not data anyone enters: they stay out of the admin."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

DERIVED = {
    "workshops.WorkshopPeople",
    "workshops.WorkshopSender",
    "workshops.Reached",
    "workshops.WorkshopMargin",
    "workshops.ReachCount",
    "workshops.MarginSum",
}


def our_models():
    return [
        m
        for app in ("regions", "organizations", "workshops", "attendance")
        for m in apps.get_app_config(app).get_models()
        if m._meta.label not in DERIVED
    ]


def test_the_summary_tables_stay_out_of_the_admin():
    assert not any(admin.site.is_registered(apps.get_model(label)) for label in DERIVED)


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_model_is_registered_and_lists(model, admin_client, db):
    assert admin.site.is_registered(model)
    opts = model._meta
    response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    assert str(opts.verbose_name_plural).lower() in response.content.decode().lower()
