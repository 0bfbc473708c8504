"""Text, page count and QR codes of a PDF."""
import io

from pypdf import PdfReader


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_pages(data):
    return len(PdfReader(io.BytesIO(data)).pages)


def qr_codes(data, page=0):
    """[(text, error correction level)] of the QR codes a page of a PDF shows, decoded with zxing-cpp from its
    embedded images: each image enlarged 4 times (without smoothing) and given a white quiet zone of 4 modules."""
    import zxingcpp
    from PIL import Image

    found = []
    for embedded in PdfReader(io.BytesIO(data)).pages[page].images:
        picture = embedded.image.convert("L")
        scaled = picture.resize((picture.width * 4, picture.height * 4), Image.Resampling.NEAREST)
        framed = Image.new("L", (scaled.width + 32, scaled.height + 32), 255)
        framed.paste(scaled, (16, 16))
        codes = zxingcpp.read_barcodes(framed, formats=zxingcpp.BarcodeFormat.QRCode)
        found += [(code.text, code.ec_level) for code in codes]
    return found
