"""Pagination of select() statements: one COUNT and one page query, whatever the table size."""
from dataclasses import dataclass
from math import ceil

from flask import current_app, request
from sqlalchemy import func, select

from cpms.extensions import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages


def page_args():
    """(page, per_page) from the query string, clamped to sane values."""
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    default = current_app.config["PER_PAGE"]
    try:
        per_page = int(request.args.get("per_page", default))
    except ValueError:
        per_page = default
    per_page = min(max(1, per_page), current_app.config["MAX_PER_PAGE"])
    return page, per_page


def paginate(stmt, page=None, per_page=None, scalars=True, count=None):
    """One page of stmt's rows (entities, or rows with scalars=False) and their total: a count of stmt's rows, or
    `count`, a statement giving the same total more cheaply when the caller has one (e.g. read from an index)."""
    if page is None or per_page is None:
        page, per_page = page_args()
    if count is None:
        count = select(func.count()).select_from(stmt.order_by(None).subquery())
    total = db.session.scalar(count)
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(result.scalars().unique() if scalars else result)
    return Page(items=items, page=page, per_page=per_page, total=total)
