"""The English translation: pages in English when chosen, and a complete, compiled catalog (ADR 0004)."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from motcua.accounts.tests.factories import MembershipFactory

CATALOG_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdirf%]|\{\w*\}")


@dataclass
class PoEntry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def po_entries(path: Path) -> list[PoEntry]:
    """Return the entries of a .po file, header and obsolete entries left out."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    target = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#~"):
            continue
        if not line.strip():
            if current is not None and current.msgid:
                entries.append(current)
            current = None
            continue
        current = current or PoEntry()
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(current, target, ast.literal_eval(line))
        else:
            keyword, _space, value = line.partition(" ")
            target = keyword
            if keyword.startswith("msgstr"):
                current.msgstrs.append("")
            _append(current, target, ast.literal_eval(value))
    return entries


def _append(entry: PoEntry, target: str, text: str) -> None:
    if target == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    elif target == "msgid":
        entry.msgid += text
    elif target == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    else:
        entry.msgstrs[-1] += text


@pytest.fixture(scope="module")
def entries() -> list[PoEntry]:
    return po_entries(CATALOG_DIR / "django.po")


def test_every_entry_of_the_catalog_is_translated(entries):
    # given the English catalog
    assert len(entries) > 100  # the parser found the catalog, not an empty file
    # when the entries without a usable translation are collected
    untranslated = [e.msgid for e in entries if not e.msgstrs or not all(e.msgstrs) or "fuzzy" in e.flags]
    # then there are none (refresh with `make messages` and translate what is new)
    assert untranslated == []


def test_plural_entries_have_a_singular_and_a_plural(entries):
    # given the entries with plural forms
    plurals = [e for e in entries if e.msgid_plural is not None]
    assert plurals
    # then each has exactly the two English forms
    assert [e.msgid for e in plurals if len(e.msgstrs) != 2] == []


def test_translations_keep_the_placeholders(entries):
    # when the placeholders of every source string and its translation are compared
    broken = [
        e.msgid
        for e in entries
        for msgstr in e.msgstrs
        if sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(msgstr))
    ]
    # then none is lost, added or renamed
    assert broken == []


def test_the_compiled_catalog_matches_the_source(entries):
    # given the committed .mo file
    with (CATALOG_DIR / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    # when every entry is looked up in it
    stale = [e.msgid for e in entries if _compiled_singular(compiled, e) != e.msgstrs[0]]
    # then the .mo holds the .po's translations (run `make messages` after editing the .po)
    assert stale == []


def _compiled_singular(compiled: gettext.GNUTranslations, entry: PoEntry) -> str:
    if entry.msgctxt is not None and entry.msgid_plural is not None:
        return compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
    if entry.msgctxt is not None:
        return compiled.pgettext(entry.msgctxt, entry.msgid)
    if entry.msgid_plural is not None:
        return compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
    return compiled.gettext(entry.msgid)


@pytest.mark.django_db
def test_the_login_page_is_in_english_when_chosen(client):
    # given a user who chose English
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # when the login page is opened
    html = client.get(reverse("login")).content.decode()
    # then its heading and labels are English
    assert '<html lang="en">' in html
    assert "Log in to the one-stop system" in html
    assert ">Username</label>" in html
    assert ">Password</label>" in html
    assert "Đăng nhập" not in html


@pytest.mark.django_db
def test_the_login_page_is_in_vietnamese_without_a_choice(client):
    # when the login page is opened without a language cookie
    html = client.get(reverse("login")).content.decode()
    # then it is Vietnamese
    assert '<html lang="vi">' in html
    assert "Đăng nhập hệ thống một cửa" in html
    assert ">Tên đăng nhập</label>" in html
    assert "Log in to the one-stop system" not in html


@pytest.mark.django_db
def test_the_catalog_page_has_english_navigation_when_chosen(client):
    # given a logged-in officer who chose English
    client.force_login(MembershipFactory().user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # when the catalog page is opened
    html = client.get(reverse("catalog:list")).content.decode()
    # then the navigation and the page are English
    assert "Administrative procedure catalog" in html
    assert 'aria-current="page">Administrative procedures</a>' in html
    assert ">Home</a>" in html
    assert "Log out" in html
    assert "Danh mục thủ tục hành chính" not in html


@pytest.mark.django_db
def test_the_catalog_page_is_in_vietnamese_without_a_choice(client):
    # given a logged-in officer without a language cookie
    client.force_login(MembershipFactory().user)
    # when the catalog page is opened
    html = client.get(reverse("catalog:list")).content.decode()
    # then the navigation and the page are Vietnamese
    assert "Danh mục thủ tục hành chính" in html
    assert ">Trang chủ</a>" in html
    assert "Đăng xuất" in html
    assert "Log out" not in html
