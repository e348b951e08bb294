"""Superset configuration of the headless test (tests/superset): a throwaway metadata database
in SUPERSET_HOME, no caches, no CSRF, nothing fetched from outside."""

import os

SECRET_KEY = "revops-kpis-superset-test-only-not-a-secret"  # a throwaway instance on a temp folder
SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(os.environ["SUPERSET_HOME"], "superset.db")
TESTING = True
WTF_CSRF_ENABLED = False
TALISMAN_ENABLED = False
RATELIMIT_ENABLED = False
PREVENT_UNSAFE_DB_CONNECTIONS = False
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
FILTER_STATE_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
EXPLORE_FORM_DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
SUPERSET_LOG_VIEW = False
