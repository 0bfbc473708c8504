"""Serial numbers (CPMS-<year>-<6 digits>) and verification codes.

Serials come from one atomic upsert on the year's counter row (`INSERT … ON CONFLICT DO UPDATE …
RETURNING`), in the caller's transaction: PostgreSQL locks the row until the commit, SQLite serialises
writers, so two issuers never draw the same number. A number is only ever printed on the certificate that
commits with it (the serial column is unique besides); revoked and superseded certificates keep theirs, so
no serial is ever given twice. The batch worker commits each draw at once, so the counter is not held while
PDFs are rendered (a failed chunk then leaves a gap, never a duplicate).

Verification codes are 160 random bits from `secrets`, written in base32 (A–Z, 2–7): URL-safe, case-
insensitive, and without 0/1/8, so a code typed from paper is read back even with O/0 or I/1 confused. The
certificate prints it in groups of four (cpms/certificates/pdf/render.py `grouped_code`).
"""
import base64
import re
import secrets

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from cpms.certificates.models import SerialCounter
from cpms.extensions import db

SERIAL_PREFIX = "CPMS"
CODE_BYTES = 20  # 160 bits: exactly 32 base32 characters, no padding
CODE_LENGTH = 32
_CODE_RE = re.compile(r"^[A-Z2-7]{32}$")
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def format_serial(year, number):
    return f"{SERIAL_PREFIX}-{year}-{number:06d}"


def reserve_serials(year, count=1):
    """Draw `count` consecutive numbers for `year` in the session's transaction; returns them as a range."""
    table = SerialCounter.__table__
    connection = db.session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(year=year, last_number=count)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.year], set_={"last_number": table.c.last_number + count}
    ).returning(table.c.last_number)
    last = connection.execute(statement).scalar_one()
    return range(last - count + 1, last + 1)


def new_verification_code():
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii")


def normalise_code(raw):
    """The canonical form of a typed or scanned code, or None when it cannot be one.

    Spaces, dashes and case do not matter; 0, 1 and 8 are read as O, I and B."""
    cleaned = re.sub(r"[^0-9A-Za-z]", "", raw or "").upper().translate(_LOOKALIKES)
    return cleaned if _CODE_RE.match(cleaned) else None
