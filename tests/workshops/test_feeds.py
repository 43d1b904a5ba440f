"""Atom feeds carry staff-typed text as text: a reader shows it, never renders it as HTML."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    CommitmentFactory,
    FollowUpFactory,
    MonitoringCommitteeFactory,
    OrganizationFactory,
    region,
)
from workshops.models import ProgressStatus

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SCRIPT = "<img src=x onerror=alert(1)>"


def feed(client, name, **kwargs):
    with translation.override("fr"):
        response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert SCRIPT.encode() not in response.content  # escaped in the XML…
    return ET.fromstring(response.content)


@pytest.fixture
def hostile_update():
    """A commitment, its committee, its organisation and its follow-up note all holding markup."""
    commitment = CommitmentFactory(title=f"Commitment {SCRIPT}")
    commitment.target_regions.add(region("04"))
    committee = MonitoringCommitteeFactory(name=f"Committee {SCRIPT}")
    committee.followed_commitments.add(commitment)
    FollowUpFactory(
        recommendation=None,
        commitment=commitment,
        new_status=ProgressStatus.LIMITED,
        note=f"Done {SCRIPT}",
        reported_by=OrganizationFactory(name=f"Association {SCRIPT}"),
    )
    return committee


@pytest.mark.parametrize("which", ["all", "region", "committee"])
def test_every_feed_field_is_plain_text(client, hostile_update, which):
    committee = hostile_update
    root = {
        "all": lambda: feed(client, "workshops:feed"),
        "region": lambda: feed(client, "workshops:region_feed", slug=region("04").slug),
        "committee": lambda: feed(client, "workshops:committee_feed", slug=committee.slug),
    }[which]()
    (entry,) = root.findall(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    # …and typed as text, so the reader shows the characters rather than an image tag.
    assert summary.get("type") == "text"
    assert summary.text == f"Done {SCRIPT}"
    texts = [root.find(f"{ATOM}title"), entry.find(f"{ATOM}title"), entry.find(f"{ATOM}author/{ATOM}name")]
    assert all(element.get("type", "text") == "text" for element in texts)
    assert SCRIPT in entry.find(f"{ATOM}title").text
    assert entry.find(f"{ATOM}author/{ATOM}name").text == f"Association {SCRIPT}"
    if which == "committee":
        assert root.find(f"{ATOM}title").text.endswith(f"Committee {SCRIPT}")
    assert not root.findall(f".//{ATOM}content")


def test_a_control_character_in_a_note_does_not_break_the_feed(client):
    """A vertical tab pasted from a word processor: XML 1.0 cannot hold it."""
    FollowUpFactory(note="First line\x0bsecond line\x0c")
    (entry,) = feed(client, "workshops:feed").findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}summary").text == "First line second line "
