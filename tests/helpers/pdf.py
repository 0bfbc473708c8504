"""Text, page count and QR codes of a PDF; PDFs made as a scanner makes them, with or without active content."""
import io

from pypdf import PdfReader


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_pages(data):
    return len(PdfReader(io.BytesIO(data)).pages)


def scanned_pdf(pages=2):
    """A PDF as a scanner writes it: one JPEG picture per page."""
    from PIL import Image
    images = [Image.new("RGB", (600, 800), (250, 250, 245 - page)) for page in range(pages)]
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=100)
    return buffer.getvalue()


def rewritten(data, change):
    """The PDF `data` with change(writer) applied (pypdf)."""
    from pypdf import PdfWriter
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def script_link(writer):
    """A link on the last page that runs a script when clicked (nested in the page, not at the document's top)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('signé');")})
    link = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                             NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 200, 60)]),
                             NameObject("/A"): action})
    writer.pages[-1][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])


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
