"""Text and page count of a PDF."""
import io

from pypdf import PdfReader


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_pages(data):
    return len(PdfReader(io.BytesIO(data)).pages)
