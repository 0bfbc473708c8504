"""Importing an existing inventory spreadsheet into the equipment register, with a row-level preview
(cpms/core/imports): one item per row, kept in stock in a commune of the importer's area.

Each row is checked as the item form checks an item (cpms/equipment/service/items.py), and more: the category and
the currency from the vocabulary (English or French), the programme by its code or name among those of the
user's area, the donor written, the serial or tag number unique in the file and in the register (a tagged item is
counted one by one: quantity 1), the unit value as the language writes it ("1 234,50" in French) and within the
currency's ceiling, the day received in stock. One problem in one row and nothing is imported."""
from datetime import date
from decimal import Decimal

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cpms.core.audit import record_event
from cpms.core.bounds import ITEMS, check_date, check_money
from cpms.core.errors import DomainError
from cpms.core.forms import read_number
from cpms.core.imports.base import Column, ImportKind
from cpms.core.imports.staging import insert_audited
from cpms.core.imports.values import choice, chunks, optional_date, optional_number, required_choice
from cpms.core.tabular import fold
from cpms.core.transaction import current_actor
from cpms.equipment.labels import CATEGORY_LABELS
from cpms.equipment.models import CATEGORIES, CURRENCIES, EquipmentItem
from cpms.equipment.service.items import normalised_serial as normalise_serial
from cpms.extensions import db
from cpms.geo.models import City, Commune, Province
from cpms.programmes.models import Programme
from cpms.programmes.service import visible_programmes

JOB_KIND = "equipment.import"

# (English label, French label, other spellings accepted); the labels of labels.py are accepted too
CATEGORY_SYNONYMS = {
    "it": ("IT", "Informatique", "computers", "ordinateurs", "computer", "ordinateur"),
    "communication": ("Communication", "Communication", "radios", "radio", "telephones", "téléphones"),
    "vehicles": ("Vehicles", "Véhicules", "vehicle", "véhicule", "motorbikes", "motos", "moto"),
    "furniture": ("Furniture", "Mobilier", "meubles"),
    "uniforms": ("Uniforms", "Uniformes", "protective gear", "équipements de protection", "tenues"),
    "sgbv_kit": ("SGBV kit", "Kit VSBG", "sgbv desk kit", "kit bureau vbg", "kit vbg", "kit vsbg"),
    "other": ("Other", "Autre", "autres"),
}
CURRENCY_SYNONYMS = {"USD": ("USD", "$", "US$", "dollar", "dollars"), "EUR": ("EUR", "€", "euro", "euros"),
                     "CDF": ("CDF", "FC", "franc congolais", "francs congolais")}

COLUMNS = (
    Column("category", "Category", "Catégorie", True, ("type", "catégorie d'équipement")),
    Column("description", "Description", "Désignation", True, ("item", "article", "description de l'article")),
    Column("make_model", "Make and model", "Marque et modèle", False, ("make", "model", "marque", "modèle")),
    Column("serial_number", "Serial or tag number", "Numéro de série ou d'inventaire", False,
           ("serial", "serial number", "tag", "tag number", "numéro de série", "n° de série", "inventaire")),
    Column("quantity", "Quantity", "Quantité", False, ("qty", "qté", "nombre")),
    Column("unit_value", "Unit value", "Valeur unitaire", False, ("value", "unit price", "valeur", "prix unitaire")),
    Column("currency", "Currency", "Devise", False, ("monnaie",)),
    Column("programme", "Programme", "Programme", True, ("programme code", "code du programme", "program")),
    Column("donor", "Donor", "Bailleur", True, ("funded by", "bailleur de fonds", "donateur")),
    Column("purchase_reference", "Purchase reference", "Référence d'achat", False,
           ("purchase order", "po", "bon de commande", "référence")),
    Column("received_on", "Received in stock on", "Reçu en stock le", True,
           ("received on", "date received", "date de réception", "reçu le")),
    Column("commune", "Commune", "Commune", True, ("commune of the stock", "commune du stock")),
)
TEXT_LIMITS = (("description", 200), ("make_model", 120), ("donor", 120), ("purchase_reference", 80))


class EquipmentImport(ImportKind):
    """The items of an inventory spreadsheet, recorded in stock in the importer's area (see the module)."""

    name = "equipment_items"
    columns = COLUMNS
    job_kind = JOB_KIND

    def imported_message(self, count):
        return _("%(n)d items imported into the register.", n=count)

    @property
    def display_headers(self):
        return [_("Category"), _("Description"), _("Serial or quantity"), _("Unit value"), _("Programme"),
                _("Donor"), _("Received in stock"), _("Commune")]

    def display(self, item):
        tag = item["serial_number"] or f"× {item['quantity']}"
        value = (f"{format_decimal(Decimal(item['unit_value']), format='#,##0.00')} {item['currency']}"
                 if item["unit_value"] is not None else "")
        return [str(CATEGORY_LABELS[item["category"]]), item["description"], tag, value, item["programme_label"],
                item["donor"], format_date(date.fromisoformat(item["received_on"])), item["commune_label"]]

    # --- checking ---------------------------------------------------------------------------

    def _communes(self):
        """{folded "name", "name (city)" or "name, city": [(id, province_id, label)]} of the user's area."""
        rows = db.session.execute(select(Commune.id, Commune.province_id, Commune.name, City.name)
                                  .join(City, City.id == Commune.city_id)
                                  .where(self.scope.filter(Commune.province_id, Commune.id)))
        lookup = {}
        for commune_id, province_id, name, city in rows:
            entry = (commune_id, province_id, f"{name} ({city})")
            for spelling in (name, f"{name} ({city})", f"{name}, {city}"):
                bucket = lookup.setdefault(fold(spelling), [])
                if entry not in bucket:
                    bucket.append(entry)
        return lookup

    def _programmes(self):
        """{folded code or name: (id, code)} of the programmes of the user's area, and {id: their province ids}."""
        lookup, provinces = {}, {}
        for programme in db.session.scalars(visible_programmes(self.scope).options(selectinload(Programme.provinces))):
            provinces[programme.id] = programme.province_ids
            for spelling in (programme.name, programme.code, f"{programme.code} – {programme.name}"):
                lookup.setdefault(fold(spelling), (programme.id, programme.code))
        return lookup, provinces

    @staticmethod
    def _registered_serials(serials):
        taken = set()
        for part in chunks(sorted(serials)):
            taken.update(db.session.scalars(select(EquipmentItem.serial_number)
                                            .where(EquipmentItem.serial_number.in_(part))))
        return taken

    def validate(self, rows, context, check):
        communes, (programmes, programme_provinces) = self._communes(), self._programmes()
        categories = {key: (*CATEGORY_SYNONYMS[key], key, str(CATEGORY_LABELS[key])) for key in CATEGORIES}
        taken = self._registered_serials({normalise_serial(r.get("serial_number")) for r in rows} - {None})
        first_row_of = {}
        for row in rows:
            n, before = row["row"], len(check.errors)
            item = {key: " ".join((row.get(key) or "").split()) for key, _limit in TEXT_LIMITS}
            for key, limit in TEXT_LIMITS:
                if len(item[key]) > limit:
                    check.error(n, key, _("At most %(max)d characters.", max=limit))
            if not item["description"]:
                check.error(n, "description", _("The description is missing, e.g. “Motorola DP1400 radio”."))
            if not item["donor"]:
                check.error(n, "donor", _("The donor is missing: write who paid for the item."))
            item["category"] = required_choice(
                row, "category", categories, check,
                lambda text: _("Unknown category “%(value)s”: use one from the template's list.", value=text),
                _("The category is missing."))
            item["serial_number"] = self._serial(row, taken, first_row_of, check)
            item["quantity"] = self._quantity(row, item["serial_number"], check)
            item["currency"], item["unit_value"] = self._value(row, check)
            item["programme_id"], item["programme_label"] = self._lookup(
                row, "programme", programmes, check, _("The programme is missing: write its code or name."),
                lambda text: _("Unknown programme “%(value)s”, or not one of your area: write its code.", value=text))
            received = self._received_on(row, check)
            item["received_on"] = received.isoformat() if received else None
            commune = self._commune(row, communes, check)
            if commune and item["programme_id"] and commune[1] not in programme_provinces[item["programme_id"]]:
                check.error(n, "commune", _("The programme “%(programme)s” does not cover this commune's province: write "
                                            "the programme that paid for the item here.",
                                            programme=item["programme_label"]))
            if len(check.errors) == before:
                item["commune_id"], item["province_id"], item["commune_label"] = commune
                check.items.append(item)

    @staticmethod
    def _serial(row, taken, first_row_of, check):
        serial = normalise_serial(row.get("serial_number"))
        if serial is None:
            return None
        if len(serial) > 80:
            check.error(row["row"], "serial_number", _("At most %(max)d characters.", max=80))
        elif serial in first_row_of:
            check.error(row["row"], "serial_number", _("The serial or tag number %(serial)s is already in row "
                                                       "%(row)d of the file.", serial=serial, row=first_row_of[serial]))
        elif serial in taken:
            check.error(row["row"], "serial_number", _("Another item already has the serial or tag number "
                                                       "%(serial)s.", serial=serial))
        first_row_of.setdefault(serial, row["row"])
        return serial

    @staticmethod
    def _quantity(row, serial, check):
        text = (row.get("quantity") or "").strip()
        if not text:
            return 1
        try:
            number = read_number(text)
            quantity = int(number) if number == number.to_integral_value() else None
        except ValueError:
            quantity = None
        if quantity is None or not 1 <= quantity <= ITEMS:
            check.error(row["row"], "quantity", _("The quantity must be a whole number between 1 and %(max)d.",
                                                  max=ITEMS))
            return None
        if serial is not None and quantity != 1:
            check.error(row["row"], "quantity", _("An item with a serial or tag number is counted one by one: set "
                                                  "the quantity to 1."))
        return quantity

    @staticmethod
    def _value(row, check):
        """(currency, unit value as text) of a row: the currency defaults to USD, and is required with a value."""
        currency_text = (row.get("currency") or "").strip()
        currency = choice(currency_text, CURRENCY_SYNONYMS) if currency_text else None
        if currency_text and currency is None:
            check.error(row["row"], "currency", _("Unknown currency “%(value)s”: write USD, EUR or CDF.",
                                                  value=currency_text[:20]))
        amount = optional_number(row, "unit_value", check)
        if amount is None or amount is False:
            return currency or "USD", None
        if not currency_text:
            check.error(row["row"], "currency", _("Write the currency of the unit value: USD, EUR or CDF."))
        elif currency is not None:
            try:
                check_money(amount, _("The unit value"), currency)
            except DomainError as error:
                check.error(row["row"], "unit_value", error.message)
        return currency or "USD", str(amount.quantize(Decimal("0.01")))

    @staticmethod
    def _lookup(row, key, lookup, check, missing, unknown):
        text = (row.get(key) or "").strip()
        if not text:
            check.error(row["row"], key, missing)
            return None, ""
        found = lookup.get(fold(text))
        if found is None:
            check.error(row["row"], key, unknown(text[:60]))
            return None, ""
        return found

    @staticmethod
    def _received_on(row, check):
        if not (row.get("received_on") or "").strip():
            check.error(row["row"], "received_on", _("The day received in stock is missing."))
            return None
        received = optional_date(row, "received_on", "received_on", check)
        if not received:
            return None
        try:
            check_date(received, _("The day it was received in stock"))
        except DomainError as error:
            check.error(row["row"], "received_on", error.message)
            return None
        if received > date.today():
            check.error(row["row"], "received_on", _("The day received in stock cannot be in the future."))
            return None
        return received

    @staticmethod
    def _commune(row, communes, check):
        text = (row.get("commune") or "").strip()
        matches = communes.get(fold(text), []) if text else []
        if not text:
            check.error(row["row"], "commune", _("The commune is missing."))
        elif not matches:
            check.error(row["row"], "commune", _("Unknown commune “%(value)s”, or outside your area.", value=text[:60]))
        elif len(matches) > 1:
            check.error(row["row"], "commune", _("Several communes are called “%(value)s”: write it with its city, "
                                                 "e.g. %(example)s.", value=text[:60], example=matches[0][2]))
        else:
            return matches[0]
        return None

    # --- applying ---------------------------------------------------------------------------

    def apply(self, context, items):
        """Insert the items in one statement, each with its audit entry; a serial number registered meanwhile
        fails the whole import (nothing saved)."""
        serials = {item["serial_number"] for item in items} - {None}
        taken = self._registered_serials(serials)
        if taken:
            raise DomainError(_("Nothing was saved: %(n)d serial or tag numbers were registered meanwhile (%(list)s). "
                                "Upload the file again.", n=len(taken), list=", ".join(sorted(taken)[:5])))
        actor_id = getattr(current_actor(), "id", None)
        rows = [{"programme_id": i["programme_id"], "category": i["category"], "description": i["description"],
                 "make_model": i["make_model"], "serial_number": i["serial_number"], "quantity": i["quantity"],
                 "unit_value": Decimal(i["unit_value"]) if i["unit_value"] is not None else None,
                 "currency": i["currency"], "donor": i["donor"], "purchase_reference": i["purchase_reference"],
                 "received_on": date.fromisoformat(i["received_on"]), "commune_id": i["commune_id"],
                 "province_id": i["province_id"], "recorded_by_id": actor_id} for i in items]
        insert_audited(EquipmentItem, rows)
        record_event("create", entity="equipment_items", detail=f"{len(rows)} items imported from a file")
        return len(rows)


def template_lists(scope, language):
    """(sheet title, header, rows) of the template's second sheet: the categories, currencies, programmes and
    communes of the user's area."""
    fr = language == "fr"
    categories = [CATEGORY_SYNONYMS[key][1 if fr else 0] for key in CATEGORIES]
    programmes = [f"{p.code} – {p.name}" for p in db.session.scalars(visible_programmes(scope))]
    communes = [f"{name} ({city})" for name, city in db.session.execute(
        select(Commune.name, City.name).join(City, City.id == Commune.city_id)
        .join(Province, Province.id == Commune.province_id).where(scope.filter(Commune.province_id, Commune.id))
        .order_by(Province.name, City.name, Commune.name))]
    columns = [categories, list(CURRENCIES), programmes, communes]
    width = max(len(column) for column in columns)
    rows = [[column[i] if i < len(column) else "" for column in columns] for i in range(width)]
    header = (["Catégorie", "Devise", "Programme (code – nom)", "Commune"] if fr
              else ["Category", "Currency", "Programme (code – name)", "Commune"])
    return ("Listes" if fr else "Lists", header, rows)
