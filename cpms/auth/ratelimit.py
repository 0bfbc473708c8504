"""A Flask-Limiter storage in the application's own database (`CPMS_RATELIMIT_STORAGE_URI=cpms+db://`, the
default): every gunicorn worker and every machine that shares the database shares the counts, on SQLite and
PostgreSQL, with no other service. Redis (`redis://…`) stays possible for heavy traffic.

A counter is one row (the SHA-256 of the limiter's key, which holds the client's address, so no address is
stored; the hits; when the window ends). Each hit is one UPDATE in its own short transaction, which the
database serialises per row, so simultaneous requests cannot slip past the limit.
"""
import hashlib
import time

from limits.storage import Storage
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError


def _key(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["cpms+db"]

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        from sqlalchemy.exc import SQLAlchemyError
        return SQLAlchemyError

    @staticmethod
    def _table_and_engine():
        from cpms.auth.models import RateLimitCounter
        from cpms.extensions import db
        return RateLimitCounter.__table__, db.engine

    def incr(self, key, expiry, amount=1):
        table, engine = self._table_and_engine()
        now, key = time.time(), _key(key)
        for _attempt in range(3):
            with engine.begin() as connection:
                row = connection.execute(update(table).where(table.c.key_hash == key, table.c.expires_at > now)
                                         .values(hits=table.c.hits + amount).returning(table.c.hits)).first()
                if row is not None:
                    return row[0]
                expired = connection.execute(update(table).where(table.c.key_hash == key)
                                             .values(hits=amount, expires_at=now + expiry)).rowcount
                if expired:
                    return amount
                connection.execute(delete(table).where(table.c.expires_at < now - 3600))  # old windows
                try:
                    with connection.begin_nested():
                        connection.execute(insert(table).values(key_hash=key, hits=amount, expires_at=now + expiry))
                    return amount
                except IntegrityError:  # another worker created it just now: count again
                    continue
        return amount

    def get(self, key):
        table, engine = self._table_and_engine()
        with engine.connect() as connection:
            hits = connection.scalar(select(table.c.hits).where(table.c.key_hash == _key(key),
                                                                table.c.expires_at > time.time()))
        return hits or 0

    def get_expiry(self, key):
        table, engine = self._table_and_engine()
        with engine.connect() as connection:
            expires = connection.scalar(select(table.c.expires_at).where(table.c.key_hash == _key(key)))
        return expires or time.time()

    def check(self):
        return True

    def reset(self):
        table, engine = self._table_and_engine()
        with engine.begin() as connection:
            return connection.execute(delete(table)).rowcount

    def clear(self, key):
        table, engine = self._table_and_engine()
        with engine.begin() as connection:
            connection.execute(delete(table).where(table.c.key_hash == _key(key)))
