import pytest
from django.db import connection
from regions.models import Region
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]
@pytest.mark.parametrize("i", [1, 2, 3])
def test_debug(i):
    print(i, Region.objects.count(), hasattr(connection, "_test_serialized_contents"), len(getattr(connection, "_test_serialized_contents", "")))
