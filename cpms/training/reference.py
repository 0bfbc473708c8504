"""Reference data seeded by the training migration (plain data: the migration imports it)."""

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
