"""WSGI entry point for gunicorn: `gunicorn --chdir config wsgi:application` (CKAN_INI names the ini)."""
import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

ini_path = os.environ.get("CKAN_INI") or os.path.join(os.path.dirname(__file__), "ckan.ini")
fileConfig(ini_path, disable_existing_loggers=False)
application = make_app(CKANConfigLoader(ini_path).get_config())
