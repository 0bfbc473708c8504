"""The calendar: iCalendar (RFC 5545) documents of meetings, and each user's secret feed address.

- A committee's page offers its upcoming meetings as an .ics download (with a session).
- Each user may open a feed address, `/committees/calendar/<token>.ics`, that calendar programs (Thunderbird,
  Google Calendar, a phone's agenda) subscribe to without logging in: the meetings of every committee the user may
  see, from FEED_PAST_DAYS ago to FEED_AHEAD_DAYS ahead. The token is shown once; only its SHA-256 is kept. Opening a
  new address revokes the old one; the feed can be stopped; a deactivated account's feed answers nothing.
- Every meeting keeps one UID, built from the configured base URL (CPMS_BASE_URL), never from the host a request
  came by; a cancelled meeting stays in the feed with STATUS:CANCELLED, and SEQUENCE rises with each change of
  the meeting (minutes since 2015 of its last update), so that calendars replace their copy.
"""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from cpms.committees.models import CalendarFeed, Committee, Meeting
from cpms.core.models import utcnow
from cpms.extensions import db

FEED_PAST_DAYS = 90
FEED_AHEAD_DAYS = 400
MEETING_HOURS = 2
SEQUENCE_EPOCH = datetime(2015, 1, 1, tzinfo=timezone.utc)
ICS_STATUS = {"planned": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def active_calendar_feed(user):
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id,
                                                        CalendarFeed.revoked_at.is_(None)))


def close_calendar_feed(user, now=None):
    """Stop the user's feed (flush only). Returns how many addresses were revoked."""
    result = db.session.execute(update(CalendarFeed).where(CalendarFeed.user_id == user.id,
                                                           CalendarFeed.revoked_at.is_(None))
                                .values(revoked_at=now or utcnow()))
    return result.rowcount


def open_calendar_feed(user, now=None):
    """A new secret address for the user, revoking the old one (flush only). Returns the token (shown once)."""
    now = now or utcnow()
    close_calendar_feed(user, now)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(user_id=user.id, token_hash=_digest(token), created_at=now))
    db.session.flush()
    return token


def calendar_feed_user(token, now=None):
    """The active user whose feed this token opens, or None (unknown, revoked, or the account deactivated)."""
    from cpms.auth.models import User
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _digest(token),
                                                        CalendarFeed.revoked_at.is_(None)))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    if user is None or not user.is_active:
        return None
    feed.last_used_at = now or utcnow()
    return user


def feed_meetings(scope, now=None):
    """Meetings of the committees the scope sees, from FEED_PAST_DAYS ago to FEED_AHEAD_DAYS ahead, cancelled ones
    included (a calendar must learn of the cancellation)."""
    now = now or utcnow()
    return db.session.scalars(
        select(Meeting).join(Committee, Committee.id == Meeting.committee_id)
        .where(scope.filter(Committee.province_id, Committee.commune_id),
               Meeting.starts_at >= now - timedelta(days=FEED_PAST_DAYS),
               Meeting.starts_at < now + timedelta(days=FEED_AHEAD_DAYS))
        .options(selectinload(Meeting.committee)).order_by(Meeting.starts_at, Meeting.id)).all()


def feed_address(token):
    """The feed's address under CPMS_BASE_URL (what calendars outside reach), else under this request's host."""
    from flask import url_for
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + url_for("committees.calendar_feed_ics", feed_token=token)
    return url_for("committees.calendar_feed_ics", feed_token=token, _external=True)


def uid_domain():
    """The host of CPMS_BASE_URL (the same whatever address a request came by); "cpms.invalid" without one."""
    return urlsplit(current_app.config.get("BASE_URL") or "").hostname or "cpms.invalid"


def meeting_sequence(meeting):
    changed = meeting.updated_at or meeting.created_at or SEQUENCE_EPOCH
    return max(0, int((changed - SEQUENCE_EPOCH).total_seconds() // 60))


def calendar_ics(name, meetings, now=None):
    """An iCalendar document of the meetings: one VEVENT each (MEETING_HOURS long), times in UTC ("Z"), which
    calendar programs show in their user's zone."""
    from icalendar import Calendar, Event

    now = now or utcnow()
    domain = uid_domain()
    calendar = Calendar()
    calendar.add("prodid", "-//CPMS//Committees//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        event = Event()
        event.add("uid", f"cpms-meeting-{meeting.id}@{domain}")
        event.add("dtstamp", now)
        starts_at = meeting.starts_at.astimezone(timezone.utc)
        event.add("dtstart", starts_at)
        event.add("dtend", starts_at + timedelta(hours=MEETING_HOURS))
        event.add("summary", f"{meeting.committee.name} – {meeting.kind_label}")
        event.add("status", ICS_STATUS.get(meeting.status, "CONFIRMED"))
        event.add("sequence", meeting_sequence(meeting))
        if meeting.updated_at:
            event.add("last-modified", meeting.updated_at.astimezone(timezone.utc))
        if meeting.place:
            event.add("location", meeting.place)
        if meeting.agenda:
            event.add("description", meeting.agenda)
        calendar.add_component(event)
    return calendar.to_ical()
