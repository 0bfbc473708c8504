"""The upload form of an import page and the form that confirms (or cancels) its preview."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class ImportForm(FlaskForm):
    file = FileField(_l("File (CSV or XLSX)"), validators=[FileRequired(_l("Choose the file to upload."))])


class ConfirmForm(FlaskForm):
    pass
