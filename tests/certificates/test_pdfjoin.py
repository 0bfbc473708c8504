"""PDFs joined page by page into a file: every page kept, with what it inherits from its page tree."""
import io

from pypdf import PdfReader

from cpms.certificates.pdf import PdfConcatenator, split_pdf


def minimal_pdf(text):
    """A one-page PDF whose size and font are set on the page tree, not on the page (as PDF allows)."""
    stream = f"BT /F1 12 Tf 10 50 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 200 100] /Resources << /Font << /F1 4 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_pages_are_joined_with_their_inherited_size_and_resources(tmp_path):
    path = tmp_path / "joined.pdf"
    with open(path, "wb") as handle:
        joined = PdfConcatenator(handle)
        for text in ("Kabongo", "Ngalula", "Tshimanga"):
            joined.add(minimal_pdf(text))
        joined.close()
    reader = PdfReader(str(path), strict=True)
    assert [page.extract_text() for page in reader.pages] == ["Kabongo", "Ngalula", "Tshimanga"]
    assert all([float(v) for v in page.mediabox] == [0, 0, 200, 100] for page in reader.pages)


def test_a_pdf_is_split_into_files_of_consecutive_pages():
    joined = io.BytesIO()
    concatenator = PdfConcatenator(joined)
    for text in ("Kabongo", "Ngalula", "Tshimanga"):
        concatenator.add(minimal_pdf(text))
    concatenator.close()
    first, second = split_pdf(joined.getvalue(), [2, 1])
    assert [page.extract_text() for page in PdfReader(io.BytesIO(first), strict=True).pages] == ["Kabongo", "Ngalula"]
    assert [page.extract_text() for page in PdfReader(io.BytesIO(second), strict=True).pages] == ["Tshimanga"]
    assert b"Kabongo" not in second


def test_fragments_numbered_apart_are_appended_as_bytes_in_any_page_order():
    from cpms.core.pdf_join import FRAGMENT_STRIDE, fragment_first_number, pdf_fragment
    chunks = []
    for texts in (("Kabongo", "Ngalula"), ("Tshimanga",)):
        joined = io.BytesIO()
        concatenator = PdfConcatenator(joined)
        for text in texts:
            concatenator.add(minimal_pdf(text))
        concatenator.close()
        chunks.append(PdfReader(io.BytesIO(joined.getvalue())))
    first, second = (pdf_fragment(reader, fragment_first_number(n)) for n, reader in enumerate(chunks))
    assert min(second[1]) >= fragment_first_number(1) == fragment_first_number(0) + FRAGMENT_STRIDE

    out = io.BytesIO()
    combined = PdfConcatenator(out, first_number=fragment_first_number(3))
    pages = combined.add_fragment(second) + combined.add_fragment(first) + combined.add(minimal_pdf("Mwamba"))
    combined.close([pages[3], pages[1], pages[0], pages[2]])  # shown in another order than written
    reader = PdfReader(io.BytesIO(out.getvalue()), strict=True)
    assert [page.extract_text() for page in reader.pages] == ["Mwamba", "Kabongo", "Tshimanga", "Ngalula"]
    assert len(reader.xref[0]) > 10  # every object found through the sparse cross-reference table


def test_a_fragment_whose_numbers_are_taken_is_refused():
    import pytest

    from cpms.core.pdf_join import pdf_fragment
    reader = PdfReader(io.BytesIO(minimal_pdf("Kabongo")))
    out = io.BytesIO()
    combined = PdfConcatenator(out)
    combined.add(minimal_pdf("Ngalula"))  # numbers 3, 4, 5…
    with pytest.raises(ValueError, match="used twice"):
        combined.add_fragment(pdf_fragment(reader, 4))


def test_objects_are_written_with_the_same_bytes_as_pypdf_writes_them(app):
    """join.write_object (names escaped once and remembered) gives exactly pypdf's bytes, for every object of a
    certificate page rendered by WeasyPrint – fonts, images, content streams – and for names that need escaping."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

    from cpms.certificates.pdf import Artwork, compile_template, document_html, render_pdf
    from cpms.certificates.pdf.defaults import DEFAULT_CSS, DEFAULT_HTML
    from cpms.certificates.pdf.render import sample_context
    from cpms.core.pdf_join import write_object

    with app.test_request_context():
        data, _pages = render_pdf(document_html(compile_template(DEFAULT_HTML), DEFAULT_CSS,
                                                sample_context("fr", Artwork())))
    reader = PdfReader(io.BytesIO(data))
    numbers = set(reader.xref.get(0, {})) | set(reader.xref_objStm)
    objects = [obj for obj in (reader.get_object(number) for number in sorted(numbers)) if obj is not None]
    objects.append(DictionaryObject({NameObject("/A#20B"): ArrayObject([NameObject("/é(x)"), NumberObject(3),
                                                                        TextStringObject("ü")])}))
    assert len(objects) > 10
    for obj in objects:
        mine, theirs = io.BytesIO(), io.BytesIO()
        write_object(obj, mine)
        obj.write_to_stream(theirs)
        assert mine.getvalue() == theirs.getvalue()
