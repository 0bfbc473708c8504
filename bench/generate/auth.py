"""Generated accounts: the demo accounts (same e-mails and passwords as `flask cpms demo`, so a generated
database can be explored by hand) and, per province, three trainers, two project officers and an M&E officer.

The generated staff share one random password that nobody knows: an admin resets it to let one of them in.
"""
import secrets

from bench.generate import generator
from cpms.auth.demo import DEMO_USERS
from cpms.auth.models import User, new_session_token, user_provinces
from cpms.auth.service.passwords import hash_password

STAFF_PER_PROVINCE = (("trainer", 3), ("project_officer", 2), ("me_officer", 1))
FIRST = ["Jean", "Marie", "Pierre", "Thérèse", "Joseph", "Odette", "Patrick", "Chantal", "Didier", "Gracia", "Serge",
         "Nadine", "Blaise", "Esther", "Trésor", "Rachel"]
LAST = ["Kabongo", "Tshibangu", "Mbuyi", "Ilunga", "Kasongo", "Ngalula", "Kalala", "Mukendi", "Kabeya", "Mulumba",
        "Kanku", "Ntumba", "Kazadi", "Lukusa", "Mpoyi", "Banza", "Kalonji", "Mwamba", "Nkongolo", "Kayembe"]


@generator
def generate_users(gen):
    rng = gen.random("auth")
    provinces = gen.shared["provinces"]
    province_ids = {name: pid for pid, name, _code in provinces}
    columns = ["id", "name", "email", "password_hash", "role", "locale", "is_active", "password_changed_at",
               "session_token", "created_at", "updated_at"]
    users, areas, emails = [], [], {}
    for spec in DEMO_USERS:
        user_id = gen.ids(User, 1)[0]
        users.append((user_id, spec["name"], spec["email"], hash_password(spec["password"]), spec["role"],
                      spec["locale"], True, gen.now, new_session_token(), gen.now, gen.now))
        emails[spec["email"]] = user_id
        areas.extend((user_id, province_ids[name]) for name in spec["provinces"] if name in province_ids)
    unknown_password = hash_password(secrets.token_urlsafe(24))
    trainers = {}  # province id → [user id]
    for province_id, _name, code in provinces:
        for role, count in STAFF_PER_PROVINCE:
            for n in range(1, count + 1):
                user_id = gen.ids(User, 1)[0]
                email = f"{role.replace('_', '.')}.{n}.{code.lower()}@bench.cpms.example"
                users.append((user_id, f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}", email,
                              unknown_password, role, rng.choice(["fr", "fr", "en"]), True, gen.now,
                              new_session_token(), gen.now, gen.now))
                emails[email] = user_id
                areas.append((user_id, province_id))
                if role == "trainer":
                    trainers.setdefault(province_id, []).append(user_id)
    gen.insert(User, columns, users)
    gen.insert(user_provinces, ["user_id", "province_id"], areas)
    demo_trainer = emails["formateur@demo.cpms.example"]
    first_province = provinces[0][0]
    trainers.setdefault(first_province, []).insert(0, demo_trainer)
    gen.shared["users"] = emails
    gen.shared["trainers"] = trainers
    return {"users": len(users)}
