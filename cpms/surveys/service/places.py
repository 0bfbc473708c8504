"""The communes where perception surveys were held, on the maps of an area (cpms.core.contract.MapLayer): one
marker per commune of a survey round in the user's area that has a position, titled with the number of rounds.
Aggregated: no answer, respondent or round name is shown. One query."""
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from cpms.extensions import db
from cpms.geo.maps import MAX_POINTS, Layer, Place
from cpms.geo.models import Commune
from cpms.surveys.models import survey_round_communes

SURVEY_LAYER = Layer("survey-commune", _l("Survey communes"), "#cc79a7", "diamond")


def survey_commune_layer(scope, *, province_id=None, cap=None):
    """((layer,), [Place], total) of the surveyed communes the `scope` allows (of a province)."""
    rounds = func.count(func.distinct(survey_round_communes.c.round_id))
    stmt = (select(Commune.name, Commune.latitude, Commune.longitude, rounds.label("rounds"),
                   func.count().over().label("total"))
            .join(survey_round_communes, survey_round_communes.c.commune_id == Commune.id)
            .where(scope.filter(Commune.province_id, Commune.id), Commune.latitude.is_not(None))
            .group_by(Commune.id, Commune.name, Commune.latitude, Commune.longitude))
    if province_id:
        stmt = stmt.where(Commune.province_id == province_id)
    rows = db.session.execute(stmt.order_by(Commune.name, Commune.id).limit(cap or MAX_POINTS)).all()
    places = [Place(row.longitude, row.latitude,
                    ngettext("%(commune)s: %(num)d survey round", "%(commune)s: %(num)d survey rounds", row.rounds,
                             commune=row.name), SURVEY_LAYER.key) for row in rows]
    return (SURVEY_LAYER,), places, (rows[0].total if rows else 0)
