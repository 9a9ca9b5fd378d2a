"""Settings for `make bench` (python -m assure.bench): the test settings (DEBUG off, a fast
password hasher, tasks run inline), on the database the bench chooses through DATABASE_URL."""

from .test import *  # noqa: F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
