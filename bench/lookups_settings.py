"""Settings of the lookup benchmark's gunicorn: the project's, plus one trivial view for the ratio (bench only)."""

from motcua.settings import *  # noqa: F403

ROOT_URLCONF = "bench.lookups_urls"
