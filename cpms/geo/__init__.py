"""Administrative areas: provinces, cities or territories, communes and quartiers (reference data)."""
from cpms.core.contract import Domain, not_personal

DOMAIN = Domain(
    "geo",
    columns={**not_personal("provinces", "name", "time_zone"), **not_personal("cities", "name"),
             **not_personal("communes", "name", "latitude", "longitude"), **not_personal("quartiers", "name")},
)
