"""Every model of our apps is registered in the admin, and each changelist renders for a superuser."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse


def our_models():
    return [
        m
        for app in ("regions", "organizations", "workshops", "attendance")
        for m in apps.get_app_config(app).get_models()
    ]


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_model_is_registered_and_lists(model, admin_client, db):
    assert admin.site.is_registered(model)
    opts = model._meta
    response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    assert str(opts.verbose_name_plural).lower() in response.content.decode().lower()
