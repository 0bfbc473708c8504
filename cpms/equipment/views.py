"""Equipment pages: the items register, one item with its checks, the deliveries with their receipts, and the
forms to record them.

Who does what (tests/equipment/access.py holds the same matrix): admins and project officers record items,
deliveries and checks in their area; M&E officers read them. Outside the user's area the answer is 404.
"""
from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cpms.core.exports import aggregate_export, document_export, download
from cpms.core.forms import render_form, run_action, save_form
from cpms.core.imports.views import confirm_import, import_page, template_download, template_language
from cpms.core.pagination import paginate
from cpms.core.pdf import programme_logos, render_pdf
from cpms.core.permissions import get_or_404, require_role, scope_of
from cpms.equipment import service
from cpms.equipment.forms import (
    CheckForm,
    DeliveryForm,
    DisposalForm,
    ItemForm,
    LossCloseForm,
    LossForm,
    MaintenanceForm,
    PhotoForm,
    TransferForm,
)
from cpms.equipment.imports import EquipmentImport, template_lists
from cpms.equipment.labels import (
    CATEGORY_LABELS,
    CONDITION_LABELS,
    DISPOSAL_REASON_LABELS,
    LOSS_STATUS_LABELS,
    PHOTO_KIND_LABELS,
)
from cpms.equipment.models import EquipmentCheck, EquipmentDelivery, EquipmentItem, EquipmentLoss, EquipmentPhoto
from cpms.equipment.service.photos import file_path, remove_files
from cpms.equipment.service.scans import MAX_SCAN_PAGES
from cpms.extensions import db
from cpms.geo.service import commune_choices
from cpms.programmes.service import visible_programmes

READERS = tuple(sorted(service.READERS))
MANAGERS = tuple(sorted(service.MANAGERS))

bp = Blueprint("equipment", __name__, url_prefix="/equipment")
FIGURE_READERS = tuple(sorted(service.FIGURE_READERS))
NAVIGATION = [(28, "equipment.item_list", _l("Equipment"), frozenset(READERS)),
              (28, "equipment.figures", _l("Equipment"), frozenset(service.FIGURE_READERS - service.READERS))]


@bp.app_context_processor
def labels():
    return {"EQUIPMENT_CATEGORY_LABELS": CATEGORY_LABELS, "EQUIPMENT_CONDITION_LABELS": CONDITION_LABELS,
            "EQUIPMENT_DISPOSAL_LABELS": DISPOSAL_REASON_LABELS, "EQUIPMENT_LOSS_LABELS": LOSS_STATUS_LABELS, "EQUIPMENT_PHOTO_LABELS": PHOTO_KIND_LABELS}


def station_equipment_panel(station):
    """The panel on a station's page (slot "stations.station", declared in __init__.py): what the station received
    and the state of each item at its last check; None (left out) for users who may not read equipment."""
    if current_user.role not in service.READERS or not scope_of(current_user).allows(station.province_id, station.commune_id):
        return None
    items, checks, losses, disposed = service.station_items(station)
    return {"equipment_items": items, "equipment_checks": checks, "equipment_losses": losses,
            "equipment_disposed": disposed, "equipment_summary": service.station_summary(station)}


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


@bp.route("/figures")
@require_role(*FIGURE_READERS)
def figures():
    """Aggregates and value by province, donor and programme: what viewers see of equipment (no names)."""
    return render_template("equipment/figures.html", figures=service.equipment_figures(scope_of(current_user)),
                           can_read_items=current_user.role in READERS)


@bp.route("/items/<int:item_id>")
@require_role(*READERS)
def item_detail(item_id):
    item = get_item_or_404(item_id)
    return _item_page(item, CheckForm(formdata=None))


def _item_page(item, check_form=None, status=200, **forms):
    """The item's page with its history (checks, maintenance, losses, transfers) and the forms that record what
    happens next; a form refused by its POST comes back with its messages (`forms`)."""
    forms = {"check_form": check_form or CheckForm(formdata=None),
             "maintenance_form": forms.get("maintenance_form") or MaintenanceForm(formdata=None),
             "loss_form": forms.get("loss_form") or LossForm(formdata=None),
             "close_form": forms.get("close_form") or LossCloseForm(formdata=None),
             "disposal_form": forms.get("disposal_form") or DisposalForm(formdata=None)}
    losses = service.item_losses(item)
    checks = service.item_checks(item)
    return render_template("equipment/item_detail.html", item=item, checks=checks,
                           check_photos=service.check_photos([check.id for check in checks]),
                           max_mb=current_app.config["MAX_UPLOAD_MB"],
                           maintenance=service.item_maintenance(item), losses=losses,
                           open_loss=next((loss for loss in losses if loss.status == "open"), None),
                           transfers=service.item_transfers(item), can_manage=current_user.role in MANAGERS,
                           **forms), status


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

    def save(f):
        check = service.record_check(current_user, item, **f.service_fields())
        if f.photo.data and getattr(f.photo.data, "filename", ""):
            _keep_until_commit(service.add_photo(current_user, upload=f.photo.data, check=check))
        return check

    done = save_form(form, save, _("Check recorded."),
                     lambda _saved: url_for("equipment.item_detail", item_id=item.id))
    return done or _item_page(item, form, status=422)


def _item_action(item, form, name, record, message, anchor):
    done = save_form(form, record, message,
                     lambda _saved: url_for("equipment.item_detail", item_id=item.id, _anchor=anchor))
    return done or _item_page(item, status=422, **{name: form})


@bp.route("/items/<int:item_id>/maintenance", methods=["POST"])
@require_role(*MANAGERS)
def maintenance_add(item_id):
    item = get_item_or_404(item_id)
    form = MaintenanceForm()
    return _item_action(item, form, "maintenance_form",
                        lambda f: service.record_maintenance(current_user, item, **f.service_fields()),
                        _("Maintenance recorded."), "maintenance")


@bp.route("/items/<int:item_id>/losses", methods=["POST"])
@require_role(*MANAGERS)
def loss_add(item_id):
    item = get_item_or_404(item_id)
    form = LossForm()
    return _item_action(item, form, "loss_form",
                        lambda f: service.report_loss(current_user, item, **f.service_fields()),
                        _("Loss reported. Record the follow-up when the search ends."), "losses")


@bp.route("/losses/<int:loss_id>/close", methods=["POST"])
@require_role(*MANAGERS)
def loss_close(loss_id):
    loss = get_or_404(EquipmentLoss, loss_id, current_user, check=service.can_see_loss)
    item = get_item_or_404(loss.item_id)
    form = LossCloseForm()
    return _item_action(item, form, "close_form",
                        lambda f: service.close_loss(loss, **f.service_fields()),
                        _("Loss report closed."), "losses")


@bp.route("/items/<int:item_id>/disposal", methods=["POST"])
@require_role(*MANAGERS)
def item_dispose(item_id):
    item = get_item_or_404(item_id)
    form = DisposalForm()
    return _item_action(item, form, "disposal_form",
                        lambda f: service.dispose_item(item, **f.service_fields()),
                        _("Item disposed of: it no longer counts in the unit's equipment."), "disposal")


@bp.route("/transfers/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def transfer_create():
    from cpms.stations.service import visible_stations
    scope = scope_of(current_user)
    form = TransferForm()
    form.set_choices([(s.id, f"{s.name} ({s.commune.name})") for s in db.session.scalars(visible_stations(scope))],
                     service.transfer_choices(scope))
    if request.method == "GET" and request.args.get("item_id", type=int):
        form.item_ids.data = [request.args.get("item_id", type=int)]
    done = save_form(form, lambda f: service.record_transfer(current_user, **f.service_fields()),
                     _("Transfer recorded."),
                     lambda moves: url_for("stations.station_detail", station_id=moves[0].to_station_id,
                                           _anchor="equipment"))
    return done or render_form("equipment/transfer_form.html", form)


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
    form.set_choices([(s.id, f"{s.name} – {s.kind_label} ({s.commune.name})")
                      for s in db.session.scalars(visible_stations(scope))], service.stock_choices(scope))
    done = save_form(form, lambda f: service.record_delivery(current_user, **f.service_fields()),
                     _("Delivery recorded. Print the receipt for the commander to sign."),
                     lambda saved: url_for("equipment.delivery_detail", delivery_id=saved.id))
    return done or render_form("equipment/delivery_form.html", form)


@bp.route("/deliveries/<int:delivery_id>")
@require_role(*READERS)
def delivery_detail(delivery_id):
    return _delivery_page(get_delivery_or_404(delivery_id))


def _delivery_page(delivery, photo_form=None, status=200):
    return render_template("equipment/delivery_detail.html", delivery=delivery,
                           items=service.delivery_items(delivery), photos=service.delivery_photos(delivery),
                           recipients=service.delivery_recipients(delivery),
                           photo_form=photo_form or PhotoForm(formdata=None), can_manage=current_user.role in MANAGERS,
                           max_mb=current_app.config["MAX_UPLOAD_MB"], max_scan_pages=MAX_SCAN_PAGES), status


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
                         recipients=service.delivery_recipients(delivery),
                         **programme_logos(items[0].programme_id if items else 0))
    response = download(pdf, f"equipment-receipt-{delivery.id}-{lang}.pdf", "pdf")
    response.headers["Content-Disposition"] = f'inline; filename="equipment-receipt-{delivery.id}-{lang}.pdf"'
    return response


# --- Photos: of a delivery (items handed over, signed receipt) and of a check ------------------------------------

@bp.url_value_preprocessor
def allow_a_whole_photo(endpoint, values):
    """Leave room for the form around a photo of MAX_UPLOAD_MB, so that the photo's own check answers, with a
    message naming it. (URL preprocessors run before the CSRF check, which is the first to read the body.)"""
    if endpoint in ("equipment.delivery_photo_add", "equipment.check_add"):
        request.max_content_length = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024 + 64 * 1024


@bp.teardown_request
def settle_photo_files(error):
    """Photos are written before the request commits and removed only after: a failed request leaves no file
    without its row, and no row without its file."""
    written, removed = g.pop("equipment_unsaved_files", []), g.pop("equipment_removed_files", [])
    remove_files(written if error is not None else removed)


def _keep_until_commit(photo):
    g.equipment_unsaved_files = g.get("equipment_unsaved_files", []) + service.photo_files(photo)
    return photo


@bp.route("/deliveries/<int:delivery_id>/photos", methods=["POST"])
@require_role(*MANAGERS)
def delivery_photo_add(delivery_id):
    delivery = get_delivery_or_404(delivery_id)
    form = PhotoForm()
    done = save_form(form, lambda f: _keep_until_commit(service.add_photo(current_user, upload=f.photo.data,
                                                                         delivery=delivery, kind=f.kind.data)),
                     _("Photo saved."),
                     lambda _saved: url_for("equipment.delivery_detail", delivery_id=delivery.id, _anchor="photos"))
    return done or _delivery_page(delivery, form, status=422)


def _photo_or_404(photo_id):
    """The photo, when the user may see its delivery or its check's item (404 otherwise)."""
    photo = get_or_404(EquipmentPhoto, photo_id)
    if photo.delivery_id is not None:
        get_delivery_or_404(photo.delivery_id)
    else:
        get_item_or_404(db.session.get(EquipmentCheck, photo.check_id).item_id)
    return photo


@bp.route("/photos/<int:photo_id>/remove", methods=["POST"])
@require_role(*MANAGERS)
def photo_remove(photo_id):
    photo = _photo_or_404(photo_id)
    if photo.delivery_id is not None:
        back = url_for("equipment.delivery_detail", delivery_id=photo.delivery_id, _anchor="photos")
    else:
        back = url_for("equipment.item_detail", item_id=db.session.get(EquipmentCheck, photo.check_id).item_id,
                       _anchor="checks")
    g.equipment_removed_files = service.photo_files(photo)  # see settle_photo_files
    return run_action(lambda: service.remove_photo(photo), _("Photo removed."), back)


def _send_photo(photo_id, thumbnail):
    photo = _photo_or_404(photo_id)
    if photo.content_type == "application/pdf":
        return _send_scan(photo, thumbnail)
    name = photo.thumbnail_name if thumbnail else photo.stored_name
    try:
        with open(file_path(name), "rb") as handle:  # at most MAX_UPLOAD_MB: stored copies are scaled down
            data = handle.read()
    except FileNotFoundError:
        abort(404)
    response = Response(data, mimetype="image/jpeg" if thumbnail else photo.content_type)
    extension = ".jpg" if thumbnail or photo.content_type == "image/jpeg" else ".png"
    response.headers["Content-Disposition"] = f'inline; filename="equipment-photo-{photo.id}{extension}"'
    return response


def _send_scan(photo, thumbnail):
    """A signed receipt's PDF (checked and written again on upload, cpms.equipment.service.scans): downloaded as an
    attachment, never shown inside the page or sniffed as anything else; it has no thumbnail."""
    if thumbnail:
        abort(404)
    try:
        with open(file_path(photo.stored_name), "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        abort(404)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="equipment-receipt-scan-{photo.id}.pdf"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.route("/photos/<int:photo_id>")
@require_role(*READERS)
def photo_file(photo_id):
    return _send_photo(photo_id, thumbnail=False)


@bp.route("/photos/<int:photo_id>/thumbnail")
@require_role(*READERS)
def photo_thumbnail(photo_id):
    return _send_photo(photo_id, thumbnail=True)


# --- import of an inventory spreadsheet (cpms/equipment/imports.py; the pages are cpms/core/imports/views.py's) ---

@bp.route("/import-template.<any(csv, xlsx):fmt>")
@require_role(*MANAGERS)
@aggregate_export  # the empty template and the lists of the user's area
def import_template(fmt):
    language = template_language()
    fr = language == "fr"
    lists = template_lists(scope_of(current_user), language) if fmt == "xlsx" else None
    return template_download(EquipmentImport, fmt, language,
                             "modele-import-equipement" if fr else "equipment-import-template",
                             sheet="Équipement" if fr else "Equipment", lists=lists)


@bp.route("/import", methods=["GET", "POST"])
@require_role(*MANAGERS)
def item_import():
    links = [(_("Template (XLSX)"), url_for("equipment.import_template", fmt="xlsx")),
             (_("Template (CSV)"), url_for("equipment.import_template", fmt="csv"))]
    return import_page(EquipmentImport(scope_of(current_user)), None, title=_("Import an inventory spreadsheet"),
                       crumbs=[(_("Equipment"), url_for("equipment.item_list"))],
                       hint=_("One item per row, kept in stock in a commune of your area. Required columns: category, "
                              "description, programme (code or name), donor, received in stock on, commune. A serial "
                              "or tag number is unique and its quantity is 1. Headers may be in French or English; "
                              "values and dates as you write them (1 234,50 or 1,234.50; YYYY-MM-DD or DD/MM/YYYY)."),
                       confirm_url=lambda token: url_for("equipment.item_import_confirm", token=token), links=links)


@bp.route("/import/<token>", methods=["POST"])
@require_role(*MANAGERS)
def item_import_confirm(token):
    return confirm_import(EquipmentImport(scope_of(current_user)), None, token,
                          done=url_for("equipment.item_list"), retry=url_for("equipment.item_import"))
