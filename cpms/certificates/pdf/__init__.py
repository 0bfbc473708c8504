"""Certificates as PDF: render.py fills in the sandboxed template and renders it (through core/pdf.py),
defaults.py holds the default template and the placeholders a template may use; cpms/core/pdf_join.py (shared
with other documents) joins many PDFs into one file page after page. Their parts are imported from here; they never
import this package back."""
from cpms.certificates.pdf.defaults import DEFAULT_CSS, DEFAULT_HTML, PLACEHOLDERS
from cpms.certificates.pdf.render import (
                                          QR_SCALE,
                                          Artwork,
                                          Printed,
                                          artwork_of,
                                          certificate_context,
                                          cohort_context,
                                          compile_template,
                                          dates_text,
                                          document_html,
                                          grouped_code,
                                          hours_text,
                                          long_date,
                                          png_data_uri,
                                          printed_fields,
                                          qr_png,
                                          render_chunk,
                                          render_pdf,
                                          render_process_started,
                                          sample_context,
                                          wording,
)
from cpms.core.pdf_join import FIRST_FREE, PdfConcatenator, fragment_first_number, split_pdf

__all__ = ["FIRST_FREE", "fragment_first_number", "DEFAULT_CSS", "DEFAULT_HTML", "PLACEHOLDERS", "PdfConcatenator", "QR_SCALE", "Artwork", "Printed",
           "artwork_of", "certificate_context", "cohort_context", "compile_template", "dates_text", "document_html",
           "grouped_code", "hours_text", "long_date", "png_data_uri", "printed_fields", "qr_png", "render_chunk",
           "render_pdf", "render_process_started", "sample_context", "split_pdf", "wording"]
