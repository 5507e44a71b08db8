"""The write token of a writable server: made up once, printed once, kept only as a hash.

`factions serve --write` calls `issue_write_token`, which stores the SHA-256 of a new random
token and its owner's name in the `meta` table (replacing the one before: a token lives as long
as the server that printed it), and prints the token. The web app checks a presented token with
`write_token_owner`, which answers the owner's name, the author of every judgement made with it.
A random token of 32 bytes needs no slow hash: it cannot be guessed from its digest.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, select

from factions.store import schema

WRITE_TOKEN_KEY = "write_token"


@dataclass(frozen=True)
class WriteToken:
    digest: str  # hex SHA-256 of the token
    owner: str
    created_at: str

    def owner_of(self, presented: str | None) -> str | None:
        """The owner's name when `presented` is the token, else None (constant time)."""
        if not presented:
            return None
        digest = hashlib.sha256(presented.encode()).hexdigest()
        return self.owner if hmac.compare_digest(digest, self.digest) else None


def issue_write_token(conn: Connection, owner: str, created_at: str) -> str:
    """A new write token for `owner`; only its hash is stored. Returns the token itself."""
    if not owner.strip():
        raise ValueError("a write token needs its owner's name")
    token = secrets.token_urlsafe(32)
    value = json.dumps(
        {
            "sha256": hashlib.sha256(token.encode()).hexdigest(),
            "owner": owner.strip(),
            "created_at": created_at,
        }
    )
    conn.execute(schema.meta.delete().where(schema.meta.c.key == WRITE_TOKEN_KEY))
    conn.execute(schema.meta.insert().values(key=WRITE_TOKEN_KEY, value=value))
    return token


def stored_write_token(conn: Connection) -> WriteToken | None:
    """The write token's hash and owner, or None when no writable server was ever started."""
    raw = conn.execute(
        select(schema.meta.c.value).where(schema.meta.c.key == WRITE_TOKEN_KEY)
    ).scalar()
    if not raw:
        return None
    found = json.loads(raw)
    return WriteToken(found["sha256"], found["owner"], found.get("created_at", ""))
