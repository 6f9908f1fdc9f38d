"""Deployment checks refuse dangerous production settings (DESIGN.md rule 16); database connection settings."""

from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import connection

from motcua.accounts.checks import check_production_settings


def ids(errors):
    return {e.id for e in errors}


def test_safe_configuration_passes(settings, monkeypatch):
    settings.DEBUG = False
    settings.SECRET_KEY = "x" * 50
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert check_production_settings(None) == []


def test_debug_default_key_and_sqlite_with_workers_are_errors(settings, monkeypatch):
    # given DEBUG on, the default key and SQLite behind four workers
    settings.DEBUG = True
    settings.SECRET_KEY = settings.INSECURE_SECRET_KEY
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    # when the deployment checks run
    with mock.patch.dict(django_settings.DATABASES["default"], ENGINE="django.db.backends.sqlite3"):
        errors = check_production_settings(None)
    # then each danger is reported
    assert ids(errors) == {"motcua.E001", "motcua.E002", "motcua.E003"}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT setting")
def test_postgresql_connections_run_without_jit_compilation():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
