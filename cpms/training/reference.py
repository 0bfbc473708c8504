"""Reference data seeded by the training migration (plain data: the migration imports it)."""
import sqlalchemy as sa

RANKS = [  # PNC ranks (managed list; admins may add more later)
    ("AGT", "Agent de police", "Police officer"),
    ("BRG", "Brigadier", "Brigadier"),
    ("BRC", "Brigadier-chef", "Chief brigadier"),
    ("SCP", "Sous-commissaire", "Deputy commissioner"),
    ("SCPP", "Sous-commissaire principal", "Principal deputy commissioner"),
    ("CP", "Commissaire", "Commissioner"),
    ("CPP", "Commissaire principal", "Principal commissioner"),
    ("CSP", "Commissaire supérieur", "Senior commissioner"),
    ("CSPP", "Commissaire supérieur principal", "Principal senior commissioner"),
    ("CDIV", "Commissaire divisionnaire", "Divisional commissioner"),
]


def seed_ranks(connection):
    """Insert the PNC ranks when the table is empty (migration, demo on a create_all() schema, tests)."""
    ranks = sa.table("ranks", sa.column("code", sa.String), sa.column("name_fr", sa.String),
                     sa.column("name_en", sa.String), sa.column("position", sa.Integer))
    if connection.execute(sa.select(sa.func.count()).select_from(ranks)).scalar():
        return
    connection.execute(sa.insert(ranks), [{"code": code, "name_fr": fr, "name_en": en, "position": n}
                                          for n, (code, fr, en) in enumerate(RANKS)])
