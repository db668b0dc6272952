"""The texts of pages and emails: each area's own catalog file joins the language's texts under its
name, both languages say the same things, and an area file cannot silently replace other texts."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.web.rendering import LANGUAGES, Renderer

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def keys(tree, prefix=""):
    if prefix == ".staff_mail.rules":  # a translation table: English keeps the rules' own names
        return {prefix}
    if not isinstance(tree, dict):
        return {prefix}
    return set().union(*(keys(value, f"{prefix}.{key}") for key, value in tree.items())) or {prefix}


def test_both_languages_have_the_same_texts_in_every_area():
    catalogs = [Renderer(TEMPLATES, "Asia/Shanghai", "平台").texts(lang) for lang in LANGUAGES]
    assert keys(catalogs[0]) == keys(catalogs[1])


def test_an_area_file_is_reached_under_its_name(tmp_path):
    for lang in LANGUAGES:
        (tmp_path / "i18n" / lang).mkdir(parents=True)
        (tmp_path / "i18n" / f"{lang}.json").write_text(json.dumps({"site_title": lang}), "utf-8")
        (tmp_path / "i18n" / lang / "console.json").write_text(
            json.dumps({"title": f"console {lang}"}), "utf-8")
    (tmp_path / "page.html").write_text("{{ t.site_title }} / {{ t.console.title }}", "utf-8")
    renderer = Renderer(tmp_path, "Asia/Shanghai", "平台")
    assert renderer.render("page.html", "en") == "en / console en"
    assert renderer.render("page.html", "zh-CN") == "zh-CN / console zh-CN"


def test_an_area_file_may_not_replace_existing_texts(tmp_path):
    for lang in LANGUAGES:
        (tmp_path / "i18n" / lang).mkdir(parents=True)
        (tmp_path / "i18n" / f"{lang}.json").write_text(json.dumps({"form": {"a": 1}}), "utf-8")
        (tmp_path / "i18n" / lang / "form.json").write_text(json.dumps({"b": 2}), "utf-8")
    with pytest.raises(ValueError, match="form"):
        Renderer(tmp_path, "Asia/Shanghai", "平台").texts("en")


def test_staff_read_every_kind_of_event_in_words():
    from shared.domain.cases import EventType

    for lang in LANGUAGES:
        texts = Renderer(TEMPLATES, "Asia/Shanghai", "平台").texts(lang)
        unnamed = [kind.value for kind in EventType
                   if kind.value not in texts["staff_events"] and kind.value not in texts["events"]]
        assert unnamed == [], lang
