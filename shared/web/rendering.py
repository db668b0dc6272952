"""Jinja2 rendering for the hosted pages and every email, in Simplified Chinese and English.

Texts live in `templates/i18n/<lang>.json` and, one file per area, in
`templates/i18n/<lang>/<area>.json`; templates reach them as `t.<key>` (pages) and the
category names as `t.categories[code]`.
"""
from __future__ import annotations

import json
from datetime import datetime
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

LANGUAGES = ("zh-CN", "en")


class Renderer:
    def __init__(self, templates_dir: Path, timezone: str, platform_name: str):
        self._dir = Path(templates_dir)
        self._zone = ZoneInfo(timezone)
        self._platform = platform_name

    @cached_property
    def _env(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self._dir),
            autoescape=jinja2.select_autoescape(["html"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["local_time"] = self.local_time
        return env

    @cached_property
    def _catalogs(self) -> dict[str, dict]:
        return {lang: self._catalog(lang) for lang in LANGUAGES}

    def _catalog(self, lang: str) -> dict:
        """`i18n/<lang>.json`, plus each area's own file `i18n/<lang>/<area>.json` as `t.<area>`
        (the console, statistics and public pages keep their texts apart from the form's)."""
        catalog = json.loads((self._dir / "i18n" / f"{lang}.json").read_text("utf-8"))
        for path in sorted((self._dir / "i18n" / lang).glob("*.json")):
            if path.stem in catalog:
                raise ValueError(f"{path} would replace the texts under {path.stem!r}")
            catalog[path.stem] = json.loads(path.read_text("utf-8"))
        return catalog

    @cached_property
    def _wrapped(self) -> dict[str, _Texts]:
        """Each catalog as templates read it, wrapped once (issue 12: a render wrapped — copied —
        every sub-catalog each time it read one: dozens of copies in one email)."""
        return {lang: _Texts.of(catalog) for lang, catalog in self._catalogs.items()}

    def texts(self, language: str) -> dict:
        return self._catalogs[language if language in LANGUAGES else LANGUAGES[0]]

    def local_time(self, moment: datetime | str) -> str:
        if isinstance(moment, str):  # a moment a notice's details keep (plain values, ISO 8601)
            moment = datetime.fromisoformat(moment)
        return moment.astimezone(self._zone).strftime("%Y-%m-%d %H:%M")

    def render(self, template: str, language: str, **context) -> str:
        language = language if language in LANGUAGES else LANGUAGES[0]
        return self._env.get_template(template).render(
            t=self._wrapped[language], lang=language, platform=self._platform, **context
        )


class _Texts(dict):
    """Attribute access to a catalog, failing loudly on a missing key."""

    @classmethod
    def of(cls, catalog: dict) -> _Texts:
        """`catalog` wrapped, its sub-catalogs too."""
        return cls({key: cls.of(value) if isinstance(value, dict) else value
                    for key, value in catalog.items()})

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(f"missing text {key!r}") from exc
