"""The default certificate template (version 1) and the placeholders a template may use.

Templates are Jinja rendered in a sandbox with autoescaping: a value such as a name is always printed as
text, never read as HTML. The page is A4 landscape whatever the CSS says.
"""
from flask_babel import lazy_gettext as _l

DEFAULT_HTML = """\
<div class="frame">
  <header class="logos">
    <div class="logo">{% if programme_logo %}<img src="{{ programme_logo }}" alt="">{% endif %}</div>
    <div class="programme">{{ programme_name }}</div>
    <div class="logo">{% if donor_logo %}<img src="{{ donor_logo }}" alt="">{% endif %}</div>
  </header>
  <h1>{{ t.title }}</h1>
  <p class="intro">{{ t.certify }}</p>
  <p class="holder">{{ holder_name }}</p>
  <p class="officer">{{ t.matricule }} {{ matricule }}{% if rank %} · {{ rank }}{% endif %}</p>
  <p class="intro">{{ t.completed }}</p>
  <p class="course">{{ course_title }}</p>
  <p class="dates">{{ dates }} · {{ hours_text }}{% if place %} · {{ training_centre }}{% if training_centre %}, {% endif %}{{ place }}{% endif %}</p>
  <p class="certified">{{ t.certified_on }} {{ certified_on }}</p>
  <table class="signatories"><tr>
    {% for signatory in signatories %}
    <td>
      <div class="signature">{% if signatory.signature %}<img src="{{ signatory.signature }}" alt="">{% endif %}</div>
      <div class="name">{{ signatory.name }}</div>
      <div class="title">{{ signatory.title }}</div>
    </td>
    {% endfor %}
  </tr></table>
  <footer>
    <img class="qr" src="{{ qr_code }}" alt="">
    <div class="verify">
      <div>{{ t.serial }} <strong>{{ serial }}</strong> · {{ t.issued_on }} {{ issued_on }}{% if replaces_serial %} · {{ t.replaces }} {{ replaces_serial }}{% endif %}</div>
      <div>{{ t.code }} <strong class="code">{{ verification_code }}</strong></div>
      <div class="url">{{ t.verify_at }} {{ verification_url }}</div>
    </div>
  </footer>
</div>
"""

DEFAULT_CSS = """\
@page { margin: 10mm; }
body { font-family: "DejaVu Serif", serif; color: #1d2b3a; margin: 0; }
.frame { border: 2.5mm double #1f4e79; height: 189mm; padding: 7mm 12mm; box-sizing: border-box;
         position: relative; text-align: center; }
.logos { display: flex; align-items: center; justify-content: space-between; height: 24mm; }
.logo { width: 45mm; height: 24mm; }
.logo img { max-height: 24mm; max-width: 45mm; }
.programme { flex: 1; font-family: "DejaVu Sans", sans-serif; font-size: 10pt; color: #1f4e79; padding: 0 5mm; }
h1 { font-size: 30pt; letter-spacing: 1pt; color: #1f4e79; margin: 4mm 0 3mm; font-weight: bold; }
.intro { font-size: 12pt; margin: 1.5mm 0; font-style: italic; }
.holder { font-size: 24pt; font-weight: bold; margin: 2mm 0 1mm; }
.officer { font-size: 11pt; margin: 0 0 2mm; }
.course { font-size: 17pt; font-weight: bold; color: #1f4e79; margin: 2mm 0; }
.dates { font-size: 11pt; margin: 1mm 0 0.5mm; }
.certified { font-size: 10.5pt; margin: 0 0 2.5mm; }
.signatories { width: 100%; border-collapse: collapse; margin-top: 2mm; table-layout: fixed; }
.signatories td { text-align: center; vertical-align: bottom; padding: 0 6mm; font-size: 10pt; }
.signature { height: 15mm; border-bottom: 0.3mm solid #1d2b3a; margin-bottom: 1.5mm; }
.signature img { max-height: 15mm; max-width: 55mm; }
.signatories .name { font-weight: bold; }
footer { position: absolute; left: 12mm; right: 12mm; bottom: 6mm; display: flex; align-items: flex-end;
         text-align: left; font-family: "DejaVu Sans", sans-serif; font-size: 8pt; }
.qr { width: 24mm; height: 24mm; image-rendering: pixelated; margin-right: 5mm; }
.verify div { margin-top: 0.8mm; }
.code { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; }
"""

# (placeholder, meaning) – shown to administrators on the template page
PLACEHOLDERS = [
    ("holder_name", _l("the officer's full name (last name in capitals, post-name, first name)")),
    ("matricule", _l("the officer's service number")),
    ("rank", _l("the officer's rank, in the certificate's language (may be empty)")),
    ("course_title", _l("the course title in the certificate's language")),
    ("start_date, end_date", _l("first and last day of the cohort, written out")),
    ("dates", _l("'from … to …' in the certificate's language")),
    ("hours, hours_text", _l("the course hours, as a number and as text ('600 hours')")),
    ("training_centre, place", _l("the training centre and its city")),
    ("programme_name, donors", _l("the programme's name and donors")),
    ("programme_logo, donor_logo", _l("the logos uploaded for the programme (image addresses, or empty)")),
    ("signatories", _l("up to three signatories, each with name, title and signature (an image address, or empty)")),
    ("serial", _l("the serial number, e.g. CPMS-2016-000123")),
    ("verification_code", _l("the verification code, in groups of four characters")),
    ("verification_url", _l("the address of the public verification page of this certificate")),
    ("qr_code", _l("the QR code of that address (an image address for <img src>)")),
    ("certified_on", _l("the certification date: the day the course was completed (the cohort's end date), "
                        "written out")),
    ("issued_on", _l("the date of issue")),
    ("replaces_serial", _l("the serial of the certificate this one corrects (empty for a first issue)")),
    ("lang", _l("the certificate's language: fr or en")),
    ("t.title, t.certify, t.completed, t.matricule, t.serial, t.code, t.verify_at, t.issued_on, t.certified_on, t.replaces",
     _l("the fixed wording, in the certificate's language")),
]
