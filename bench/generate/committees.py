"""Generated committees: national scale is 5,000 committees (a CLSP per commune, neighbourhood forums in its
quartiers), 50,000 members, 60,000 meetings with their roll calls, security issues and action items."""
from datetime import date, datetime, timedelta, timezone

from bench.generate import generator
from cpms.committees.demo import ACTIONS, CLOSING, CLSP_SEATS, FORUM_SEATS, ISSUES, _person
from cpms.committees.models import ActionItem, Committee, Meeting, MeetingAttendance, Member, SecurityIssue

AGENDA = "1. Suivi des actions en cours\n2. Problèmes de sécurité du mois\n3. Divers"
MINUTES = ["La séance a été ouverte par le président. Les membres ont passé en revue les actions en cours.",
           "Les membres ont échangé avec le commandant du sous-commissariat sur les patrouilles de nuit.",
           "Le forum a présenté les préoccupations des habitants; la police a répondu point par point."]
ORGANISATIONS = ["Commissariat", "Bourgmestre", "Chef de quartier", "Société civile", "ONG partenaire"]


@generator
def generate_committees(gen):
    rng = gen.random("committees")
    stamps = (gen.now, gen.now)
    communes = gen.shared["communes"]
    quartiers = gen.shared["quartiers"]
    programmes = gen.shared["programmes"]
    total = gen.count(5_000, minimum=len(communes))
    forums_per_commune = [0] * len(communes)
    for n in range(total - len(communes)):
        forums_per_commune[n % len(communes)] += 1

    committees = []  # (id, kind, commune_id, province_id, established)
    rows = []
    for (commune_id, province_id, _city, name), forums in zip(communes, forums_per_commune):
        clsp_id = gen.ids(Committee, 1)[0]
        established = date(2013, 1, 1) + timedelta(days=rng.randrange(0, 3650))
        rows.append((clsp_id, "clsp", f"CLSP de {name}", province_id, commune_id, None, None,
                     programmes[province_id], established, "active", *stamps))
        committees.append((clsp_id, "clsp", established))
        places = quartiers.get(commune_id, [])
        for n in range(forums):
            quartier_id, quartier = places[n % len(places)] if places else (None, f"{name} {n + 1}")
            suffix = f" {n // len(places) + 1}" if places and n >= len(places) else ""
            forum_id = gen.ids(Committee, 1)[0]
            started = established + timedelta(days=rng.randrange(30, 720))
            status = "active" if rng.random() < 0.9 else "dormant"
            rows.append((forum_id, "forum", f"Forum de quartier {quartier}{suffix}", province_id, commune_id,
                         quartier_id, clsp_id, programmes[province_id], started, status, *stamps))
            committees.append((forum_id, "forum", started))
    gen.insert(Committee, ["id", "kind", "name", "province_id", "commune_id", "quartier_id", "parent_id",
                           "programme_id", "established_on", "status", "created_at", "updated_at"], rows)

    members = _members(gen, rng, committees)
    meetings, meeting_count = _meetings(gen, rng, committees, members)
    gen.shared["committees"] = [(cid, kind) for cid, kind, _e in committees]
    gen.shared["committee_members"] = members
    return {"committees": len(committees), "committee members": sum(len(m) for m in members.values()),
            "meetings": meeting_count, **meetings}


def _members(gen, rng, committees):
    rows, members = [], {}
    for committee_id, kind, established in committees:
        seats = CLSP_SEATS[:10] if kind == "clsp" else FORUM_SEATS + FORUM_SEATS[:4]
        ids = gen.ids(Member, len(seats))
        members[committee_id] = list(ids)
        for member_id, (sex, category, role) in zip(ids, seats):
            phone = f"+2438{rng.randint(10000000, 99999999)}" if rng.random() < 0.6 else ""
            rows.append((member_id, committee_id, _person(rng, sex), sex, category, role, phone, "", established,
                         None, gen.now, gen.now))
    gen.insert(Member, ["id", "committee_id", "name", "sex", "category", "role", "phone", "email", "start_date",
                        "end_date", "created_at", "updated_at"], rows)
    return members


def _meetings(gen, rng, committees, members):
    """Meetings spread over the committees (about 12 each), every ~4 weeks up to two months ahead."""
    total = gen.count(60_000)
    per_committee = [total // len(committees) + (1 if n < total % len(committees) else 0)
                     for n in range(len(committees))]
    meeting_rows, roll_call, issues, items = [], [], [], []
    horizon = gen.today + timedelta(days=60)
    for (committee_id, kind, established), count in zip(committees, per_committee):
        first = max(established, horizon - timedelta(weeks=4 * count))
        member_ids = members[committee_id]
        for n, meeting_id in enumerate(gen.ids(Meeting, count)):
            day = first + timedelta(weeks=4 * n, days=rng.randint(0, 3))
            starts_at = datetime(day.year, day.month, day.day, 9 if kind == "clsp" else 15, tzinfo=timezone.utc)
            past = day < gen.today
            status = ("cancelled" if past and rng.random() < 0.03 else "held") if past else "planned"
            held = status == "held"
            meeting_rows.append((meeting_id, committee_id, starts_at, "Salle communale" if kind == "clsp" else
                                 "Église du quartier", "extraordinary" if rng.random() < 0.05 else "ordinary", status,
                                 rng.randint(0, 6) if held else 0, rng.randint(0, 8) if held else 0, AGENDA,
                                 rng.choice(MINUTES) if held else "", "", gen.now, gen.now))
            if not held:
                continue
            roll_call.extend((meeting_id, member_id, rng.random() < 0.75) for member_id in member_ids)
            category, description = rng.choice(ISSUES)[:2]  # (category, French, English)
            issues.append((meeting_id, category, description))
            if rng.random() < 0.5:
                due = day + timedelta(days=rng.choice([14, 30, 60]))
                if due < gen.today - timedelta(days=30) and rng.random() < 0.8:
                    closed = rng.choice(["done", "done", "dropped"])
                    state = (closed, CLOSING[closed][0], due)
                else:
                    state = (rng.choice(["open", "in_progress"]), "", None)
                responsible = rng.choice(member_ids) if rng.random() < 0.7 else None
                items.append((committee_id, meeting_id, rng.choice(ACTIONS)[0], responsible,
                              "" if responsible else rng.choice(ORGANISATIONS), due, *state))
    gen.insert(Meeting, ["id", "committee_id", "starts_at", "place", "kind", "status", "guests_women", "guests_men",
                         "agenda", "minutes", "decisions", "created_at", "updated_at"], meeting_rows)
    gen.insert(MeetingAttendance, ["id", "meeting_id", "member_id", "is_present"],
               ((attendance_id, *row) for attendance_id, row in zip(gen.ids(MeetingAttendance, len(roll_call)),
                                                                    roll_call)))
    gen.insert(SecurityIssue, ["id", "meeting_id", "category", "description"],
               [(issue_id, *row) for issue_id, row in zip(gen.ids(SecurityIssue, len(issues)), issues)])
    gen.insert(ActionItem, ["id", "committee_id", "meeting_id", "description", "responsible_member_id",
                            "responsible_organisation", "due_date", "status", "closing_note", "closed_on",
                            "created_at", "updated_at", "source_kind"],  # raised in a meeting: no other source
               [(item_id, *row, gen.now, gen.now, "") for item_id, row in zip(gen.ids(ActionItem, len(items)), items)])
    return {"meeting roll-call rows": len(roll_call), "security issues": len(issues), "action items": len(items)}, \
        len(meeting_rows)
