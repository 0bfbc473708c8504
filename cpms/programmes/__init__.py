"""Programmes: the donor-funded projects everything else belongs to, and the provinces they cover."""
from cpms.core.contract import Domain, RetentionClass, not_personal

DOMAIN = Domain(
    "programmes",
    columns={**not_personal("programmes", "code", "name", "donors", "description")},
    retention=(
        RetentionClass("programme", "part of the programme's record (e.g. who received a station at its "
                                    "handover): kept"),
    ),
)
