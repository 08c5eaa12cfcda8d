"""Who may call the RPC server: one database name, one login and its API key.

Concept: the credentials a real Odoo checks on every external call (ODOO.md §5.1): the database
name, the user's login, and a password or API key (XML-RPC/JSON-RPC pass it on every
``object`` call; JSON-2 sends it as ``Authorization: bearer <key>``). The twin serves exactly one
user: the values come from options or the environment variables ``RETAILTWIN_ODOO_DB``,
``RETAILTWIN_ODOO_LOGIN`` and ``RETAILTWIN_ODOO_API_KEY``; there is no default key, so a server
cannot start with a guessable password. Keys are compared in constant time.

``denied`` counts every refused attempt (bad database, login, key or uid), the number an
operator watches for credential stuffing; ``authenticated`` counts successes.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

ENV_DB = "RETAILTWIN_ODOO_DB"
ENV_LOGIN = "RETAILTWIN_ODOO_LOGIN"
ENV_KEY = "RETAILTWIN_ODOO_API_KEY"
DEFAULT_DB = "retailtwin"
DEFAULT_LOGIN = "admin"
MIN_KEY_LENGTH = 8


class CredentialsError(ValueError):
    """The server was started without usable credentials (names the option and variable)."""


@dataclass
class RpcCredentials:
    """The one database/login/key the server accepts, and the tally of refusals."""

    database: str
    login: str
    api_key: str = field(repr=False)
    uid: int = 2
    denied: int = 0
    authenticated: int = 0

    def __post_init__(self) -> None:
        if not self.api_key:
            raise CredentialsError(
                f"no API key: pass --api-key or set {ENV_KEY} (there is no default password)"
            )
        if len(self.api_key) < MIN_KEY_LENGTH:
            raise CredentialsError(
                f"--api-key / {ENV_KEY}: expected at least {MIN_KEY_LENGTH} characters; "
                f"found {len(self.api_key)}"
            )
        if not self.database or not self.login:
            raise CredentialsError("--db and --login must not be empty")

    @classmethod
    def resolve(
        cls,
        database: str | None = None,
        login: str | None = None,
        api_key: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> RpcCredentials:
        """Options first, then the environment; the key has no default."""
        environ = os.environ if environ is None else environ
        return cls(
            database=database or environ.get(ENV_DB) or DEFAULT_DB,
            login=login or environ.get(ENV_LOGIN) or DEFAULT_LOGIN,
            api_key=api_key or environ.get(ENV_KEY) or "",
        )

    def _key_ok(self, key: object) -> bool:
        return isinstance(key, str) and hmac.compare_digest(key.encode(), self.api_key.encode())

    def login_uid(self, database: object, login: object, key: object) -> int | None:
        """``common.authenticate``: the uid, or None (counted as denied)."""
        if database == self.database and login == self.login and self._key_ok(key):
            self.authenticated += 1
            return self.uid
        self.denied += 1
        return None

    def check_call(self, database: object, uid: object, key: object) -> bool:
        """An ``object`` call's ``(db, uid, password)`` triple (a refusal is counted)."""
        if database == self.database and uid == self.uid and self._key_ok(key):
            return True
        self.denied += 1
        return False

    def check_bearer(self, authorization: str | None, database: str | None) -> bool:
        """JSON-2: ``Authorization: bearer <key>`` and the optional ``X-Odoo-Database``."""
        scheme, _, key = (authorization or "").partition(" ")
        ok = scheme.lower() == "bearer" and self._key_ok(key.strip())
        if ok and database not in (None, "", self.database):
            ok = False
        if not ok:
            self.denied += 1
        return ok
