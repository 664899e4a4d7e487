"""Multilingual fields in ckanext-fluent's data shape: ``{"nb": "...", "nn": "...", "en": "..."}``.

ckanext-fluent 1.0.0 (the PyPI release) imports pylons and cannot load on CKAN 2.11, so the
validators live here. Their names start with ``fluent`` because that is how ckanext-dcat tells a
multilingual scheming field (``profiles/base.py``, ``_multilingual_fields``).
"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey
from ckanext.scheming.validation import scheming_validator

from ckanext.scn.harvesters.mode import in_harvest_mode

# Bokmål and Nynorsk are both official written Norwegian; English serves foreign developers.
LANGUAGES = ("nb", "nn", "en")
MAX_TAG_LENGTH = 100
# Keywords per language: enough for any real record, far below what makes a page or an index slow.
MAX_KEYWORDS = 500


def form_languages(field: dict[str, Any]) -> list[str]:
    return list(field.get("form_languages") or LANGUAGES)


def pick(values: dict[str, Any] | None, lang: str | None = None) -> Any:
    """The value in LANG, else in the first of nb, nn, en that has one."""
    if not isinstance(values, dict):
        return values
    lang = (lang or "nb").split("_")[0]
    lang = "nb" if lang == "no" else lang
    for candidate in (lang, *LANGUAGES, *values):
        if values.get(candidate):
            return values[candidate]
    return None


def _as_dict(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                return json.loads(text)
            except ValueError:
                raise tk.Invalid(tk._("Not valid JSON: give an object such as {\"nb\": \"...\"}"))
    return value


def _collect_form_values(key: FlattenKey, data: FlattenDataDict, languages: list[str]) -> dict[str, Any]:
    """The web form posts one input per language: ``title_translated-nb`` and so on. Keys the
    schema does not know may already sit in ``__extras`` when this runs."""
    prefix = key[:-1]
    extras = data.get(prefix + ("__extras",)) or {}
    found = {}
    for lang in languages:
        name = f"{key[-1]}-{lang}"
        if prefix + (name,) in data:
            found[lang] = data.pop(prefix + (name,))
        elif name in extras:
            found[lang] = extras.pop(name)
    return found


def _per_language(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, languages: list[str],
                  expected: str, bare: tuple[type, ...]) -> dict[str, Any] | None:
    """The ``{lang: value}`` object of a multilingual field, from the API (object or JSON text) or
    the web form (one input per language). A BARE value counts as the first form language. None
    (with the error recorded) when it is not such an object or names a language not offered."""
    value = data.get(key)
    from_form = _collect_form_values(key, data, languages)
    if from_form and (value is tk.missing or value is None or value == ""):
        value = from_form
    try:
        value = _as_dict(value)
    except tk.Invalid as e:
        errors[key].append(e.error)
        return None
    if value is tk.missing or value is None or value == "":
        return {}
    if isinstance(value, bare):
        value = {languages[0]: value}
    if not isinstance(value, dict):
        errors[key].append(expected)
        return None
    unsupported = [lang for lang in value if lang not in languages]
    if unsupported:
        errors[key].append(tk._("Unsupported language {lang!r}: use {allowed}").format(
            lang=unsupported[0], allowed=", ".join(languages)))
        return None
    return value


@scheming_validator
def fluent_text(field: dict[str, Any], schema: dict[str, Any]):
    """Store a ``{lang: text}`` object as JSON; a plain string counts as the first form language.

    With ``required: true`` at least one language must have text; ``max_length`` (characters per
    language) bounds it.
    """
    languages = form_languages(field)
    max_length = field.get("max_length")

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
        value = _per_language(key, data, errors, languages, bare=(str,), expected=tk._(
            "Expected an object with a text per language, e.g. {\"nb\": \"...\"}"))
        if value is None:
            return
        cleaned = {}
        for lang, text in value.items():
            if text is None:
                continue
            if not isinstance(text, str):
                errors[key].append(tk._("The {lang} text must be a string").format(lang=lang))
                continue
            if max_length and len(text.strip()) > max_length:
                message = tk._("The {lang} text is {length} characters long; at most {limit} are allowed")
                errors[key].append(message.format(lang=lang, length=len(text.strip()), limit=max_length))
                continue
            if text.strip():
                cleaned[lang] = text.strip()
        if errors[key]:
            return
        if not cleaned:
            if field.get("required") and not in_harvest_mode():
                errors[key].append(
                    tk._("Missing value: give the text in at least one language (Bokmål, Nynorsk or English)")
                )
                return
            data.pop(key, None)
            raise tk.StopOnError
        data[key] = json.dumps(cleaned, ensure_ascii=False, sort_keys=True)

    return validator


def fluent_text_output(value: Any) -> Any:
    """Stored JSON back to an object (values already objects pass through)."""
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return {"nb": value} if value else {}
    return parsed if isinstance(parsed, dict) else {"nb": value}


@scheming_validator
def fluent_core_translated(field: dict[str, Any], schema: dict[str, Any]):
    """Derive the core field (``title`` from ``title_translated``) from the best language, so
    CKAN's own search, sorting and templates keep working."""
    core_field = field["field_name"].removesuffix("_translated")

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
        value = data.get(key)
        if isinstance(value, str) and value:
            best = pick(fluent_text_output(value))
            if best:
                data[key[:-1] + (core_field,)] = best

    return validator


@scheming_validator
def fluent_tags(field: dict[str, Any], schema: dict[str, Any]):
    """Store ``{lang: [tag, ...]}`` as JSON. Accepts lists or comma-separated strings per language."""
    languages = form_languages(field)

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
        value = _per_language(key, data, errors, languages, bare=(str, list),
                              expected=tk._("Expected an object with a list of keywords per language"))
        if value is None:
            return
        cleaned: dict[str, list[str]] = {}
        for lang, tags in value.items():
            if isinstance(tags, str):
                tags = tags.split(",")
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                errors[key].append(tk._("The {lang} keywords must be a list of strings").format(lang=lang))
                continue
            unique = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
            if len(unique) > MAX_KEYWORDS:
                errors[key].append(tk._("{count} keywords in {lang}; at most {limit} are allowed").format(
                    count=len(unique), lang=lang, limit=MAX_KEYWORDS))
                continue
            too_long = [t for t in unique if len(t) > MAX_TAG_LENGTH]
            if too_long:
                errors[key].append(
                    tk._("Keyword longer than {n} characters: {tag}").format(n=MAX_TAG_LENGTH, tag=too_long[0][:40])
                )
                continue
            if unique:
                cleaned[lang] = unique
        if errors[key]:
            return
        if not cleaned:
            data.pop(key, None)
            raise tk.StopOnError
        data[key] = json.dumps(cleaned, ensure_ascii=False, sort_keys=True)

    return validator


def fluent_tags_output(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}
