"""The outside remedies told with the result (R15), from the one versioned data file."""
from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from shared.domain.cases import Kind
from shared.domain.categories import CATEGORIES, HARMFUL_INFORMATION
from shared.domain.remedies import LANGUAGES, remedies_for, remedy_list

EVERY_PAIR = [(kind, category) for kind, categories in CATEGORIES.items() for category in categories]


def ids(kind, category):
    return [remedy.id for remedy in remedies_for(kind, category)]


@pytest.mark.parametrize("kind, category", EVERY_PAIR)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_and_category_can_at_least_go_to_the_courts(kind, category, language):
    remedies = remedies_for(kind, category, language)
    assert remedies[-1].id == "court"
    assert all(remedy.name and remedy.description for remedy in remedies)


@pytest.mark.parametrize("category", HARMFUL_INFORMATION)
def test_harmful_information_goes_to_12377(category):
    assert ids(Kind.REPORT, category) == ["12377", "court"]


@pytest.mark.parametrize("category", ["fraud", "harassment"])
def test_fraud_and_harassment_go_to_12321(category):
    assert ids(Kind.REPORT, category) == ["12321", "court"]


@pytest.mark.parametrize("category", ["service", "product_quality", "billing"])
def test_consumer_disputes_go_to_12315(category):
    assert ids(Kind.COMPLAINT, category) == ["12315", "court"]


@pytest.mark.parametrize("kind", [Kind.COMPLAINT, Kind.REPORT])
def test_privacy_goes_to_the_cyberspace_administration(kind):
    assert ids(kind, "privacy") == ["cac", "court"]


def test_a_technical_complaint_has_only_the_courts():
    assert ids("complaint", "technical") == ["court"]


def test_remedies_are_worded_in_the_cases_language():
    zh = remedies_for(Kind.REPORT, "harmful_rumours", "zh-CN")[0]
    en = remedies_for(Kind.REPORT, "harmful_rumours", "en")[0]
    assert zh.name == "违法和不良信息举报中心" and zh.url == "https://www.12377.cn" and zh.phone == "12377"
    assert "Reporting Centre" in en.name
    assert remedies_for(Kind.REPORT, "harmful_rumours", "fr")[0] == zh


@pytest.mark.parametrize("kind, category", [("report", "billing"), ("complaint", "nonsense"),
                                            ("appeal", "other")])
def test_a_category_the_kind_does_not_have_is_a_programming_error(kind, category):
    with pytest.raises(ValueError):
        remedies_for(kind, category)


def test_the_file_is_versioned_dated_and_names_only_known_categories_and_numbers():
    data = json.loads(resources.files("shared.domain").joinpath("remedies.json").read_text("utf-8"))
    assert isinstance(data["version"], int) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["effective_from"])
    assert data["written"]
    assert remedy_list().version == data["version"]
    for entry in data["remedies"]:
        assert entry["phone"] in (None, "12377", "12321", "12315")  # no invented phone numbers
        assert set(entry["name"]) == set(LANGUAGES) == set(entry["description"])
        for kind, categories in entry["applies_to"].items():
            assert categories == "*" or set(categories) <= set(CATEGORIES[Kind(kind)])
