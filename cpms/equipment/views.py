"""Equipment pages: the items register, one item with its checks, the deliveries with their receipts, and the
forms to record them.

Who does what (tests/equipment/access.py holds the same matrix): admins and project officers record items,
deliveries and checks in their area; M&E officers read them. Outside the user's area the answer is 404.
"""
from flask import Blueprint, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cpms.core.exports import document_export, download
from cpms.core.forms import render_form, save_form
from cpms.core.pagination import paginate
from cpms.core.pdf import programme_logos, render_pdf
from cpms.core.permissions import get_or_404, require_role, scope_of
from cpms.equipment import service
from cpms.equipment.forms import CheckForm, DeliveryForm, ItemForm
from cpms.equipment.labels import CATEGORY_LABELS, CONDITION_LABELS
from cpms.equipment.models import EquipmentDelivery, EquipmentItem
from cpms.extensions import db
from cpms.geo.service import commune_choices
from cpms.programmes.service import visible_programmes

READERS = tuple(sorted(service.READERS))
MANAGERS = tuple(sorted(service.MANAGERS))

bp = Blueprint("equipment", __name__, url_prefix="/equipment")
NAVIGATION = [(28, "equipment.item_list", _l("Equipment"), frozenset(READERS))]


@bp.app_context_processor
def labels():
    return {"EQUIPMENT_CATEGORY_LABELS": CATEGORY_LABELS, "EQUIPMENT_CONDITION_LABELS": CONDITION_LABELS}


def station_equipment_panel(station):
    """The panel on a station's page (slot "stations.station", declared in __init__.py): what the station received
    and the state of each item at its last check; None (left out) for users who may not read equipment."""
    if current_user.role not in service.READERS or not scope_of(current_user).allows(station.province_id, station.commune_id):
        return None
    items, checks = service.station_items(station)
    return {"equipment_items": items, "equipment_checks": checks}


def get_item_or_404(item_id):
    return get_or_404(EquipmentItem, item_id, current_user, check=service.can_see_item)


def get_delivery_or_404(delivery_id):
    return get_or_404(EquipmentDelivery, delivery_id, current_user, check=service.can_see_delivery)


@bp.route("/")
@require_role(*READERS)
def item_list():
    scope = scope_of(current_user)
    filters = {"category": request.args.get("category", ""), "commune_id": request.args.get("commune_id", type=int),
               "where": request.args.get("where", "")}
    page = paginate(service.visible_items(scope, **filters))
    return render_template("equipment/item_list.html", page=page, filters=filters, communes=commune_choices(scope),
                           checks=service.latest_checks([item.id for item in page.items]),
                           can_manage=current_user.role in MANAGERS)


@bp.route("/items/<int:item_id>")
@require_role(*READERS)
def item_detail(item_id):
    item = get_item_or_404(item_id)
    return _item_page(item, CheckForm(formdata=None))


def _item_page(item, check_form, status=200):
    return render_template("equipment/item_detail.html", item=item, checks=service.item_checks(item),
                           check_form=check_form, can_manage=current_user.role in MANAGERS), status


def _item_form_page(form, item, save):
    scope = scope_of(current_user)
    form.set_choices([(p.id, p.name) for p in db.session.scalars(visible_programmes(scope))], commune_choices(scope))
    done = save_form(form, lambda _form: save(), _("Item saved."),
                     lambda saved: url_for("equipment.item_detail", item_id=saved.id))
    return done or render_form("equipment/item_form.html", form, item=item)


@bp.route("/items/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def item_create():
    form = ItemForm()
    return _item_form_page(form, None, lambda: service.create_item(current_user, **form.service_fields()))


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def item_edit(item_id):
    item = get_item_or_404(item_id)
    form = ItemForm(obj=item)
    return _item_form_page(form, item, lambda: service.update_item(current_user, item, **form.service_fields()))


@bp.route("/items/<int:item_id>/checks", methods=["POST"])
@require_role(*MANAGERS)
def check_add(item_id):
    item = get_item_or_404(item_id)
    form = CheckForm()
    done = save_form(form, lambda f: service.record_check(current_user, item, **f.service_fields()),
                     _("Check recorded."), lambda _saved: url_for("equipment.item_detail", item_id=item.id))
    return done or _item_page(item, form, status=422)


@bp.route("/deliveries")
@require_role(*READERS)
def delivery_list():
    page = paginate(service.visible_deliveries(scope_of(current_user)))
    return render_template("equipment/delivery_list.html", page=page, can_manage=current_user.role in MANAGERS)


@bp.route("/deliveries/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def delivery_create():
    from cpms.stations.service import visible_stations
    scope = scope_of(current_user)
    form = DeliveryForm()
    form.set_choices([(s.id, f"{s.name} ({s.commune.name})") for s in db.session.scalars(visible_stations(scope))],
                     service.stock_choices(scope))
    done = save_form(form, lambda f: service.record_delivery(current_user, **f.service_fields()),
                     _("Delivery recorded. Print the receipt for the commander to sign."),
                     lambda saved: url_for("equipment.delivery_detail", delivery_id=saved.id))
    return done or render_form("equipment/delivery_form.html", form)


@bp.route("/deliveries/<int:delivery_id>")
@require_role(*READERS)
def delivery_detail(delivery_id):
    delivery = get_delivery_or_404(delivery_id)
    return render_template("equipment/delivery_detail.html", delivery=delivery,
                           items=service.delivery_items(delivery))


@bp.route("/deliveries/<int:delivery_id>/receipt.pdf")
@require_role(*READERS)
@document_export("equipment_deliveries")
def delivery_receipt_pdf(delivery_id):
    delivery = get_delivery_or_404(delivery_id)
    lang = request.args.get("lang") if request.args.get("lang") in ("fr", "en") else None
    lang = lang or (current_user.locale if current_user.locale in ("fr", "en") else "fr")
    items = service.delivery_items(delivery)
    with force_locale(lang):
        pdf = render_pdf("equipment/receipt_pdf.html", lang=lang, delivery=delivery, items=items,
                         **programme_logos(items[0].programme_id if items else 0))
    response = download(pdf, f"equipment-receipt-{delivery.id}-{lang}.pdf", "pdf")
    response.headers["Content-Disposition"] = f'inline; filename="equipment-receipt-{delivery.id}-{lang}.pdf"'
    return response
