"""Site set-up used by ``ckan scn admin ensure``: the sysadmin account and its API token.

CKAN's own ``ckan sysadmin add`` and ``ckan user token add`` use the model the same way; doing it
in one process keeps a second ``make run`` quick.
"""
from __future__ import annotations

from ckan import model
from ckan.lib import api_token
import ckan.plugins.toolkit as tk


def _site_context() -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def ensure_sysadmin(name: str, email: str, password: str) -> bool:
    """Make NAME an active sysadmin whose password is PASSWORD. Returns whether anything changed."""
    user = model.User.by_name(name)
    if user is None:
        tk.get_action("user_create")(
            _site_context(), {"name": name, "email": email, "password": password}
        )
        user = model.User.by_name(name)
        changed = True
    else:
        changed = False
        if not user.validate_password(password):
            user.password = password
            changed = True
        if user.state != model.State.ACTIVE:
            user.state = model.State.ACTIVE
            changed = True
    if not user.sysadmin:
        user.sysadmin = True
        changed = True
    if changed:
        model.Session.commit()
    return changed


def token_is_valid(name: str, token: str) -> bool:
    user = api_token.get_user_from_token(token, update_access_time=False)
    return user is not None and user.name == name


def create_api_token(name: str, token_name: str) -> str:
    context = {"user": name, "ignore_auth": True}
    return tk.get_action("api_token_create")(context, {"user": name, "name": token_name})["token"]
