"""Join PDFs into one, page after page, straight into a file; and split one PDF into several.

pypdf's PdfWriter keeps every page of the result in memory until it writes; for a 450-certificate cohort we
instead copy each input's objects to the output as soon as it is read, renumbered, and keep only their
offsets. The page tree, the catalogue and the cross-reference table are written at the end.

`split_pdf` cuts a PDF into files of consecutive pages (a batch renders a chunk of certificates as one PDF, then
stores each certificate's pages as its own file): each file gets the objects its pages use (fonts, images), copied.
"""
import io
import re

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
)

CATALOG, PAGES = 1, 2
_NAME = re.compile(rb"/([^\s/\[\]()<>{}%]+)")
_NAMED_RESOURCES = ("/Font", "/XObject", "/ExtGState", "/Pattern", "/Shading", "/ColorSpace", "/Properties")


def _content_of(obj):
    """The decoded content stream of a page (one stream or several) or of a form XObject."""
    contents = obj.get("/Contents") if "/Type" in obj and obj["/Type"] == "/Page" else obj
    if contents is None:
        return b""
    contents = contents.get_object()
    if isinstance(contents, ArrayObject):
        return b"\n".join(part.get_object().get_data() for part in contents)
    return contents.get_data()


def _resources_used(resources, content):
    """The resource dictionary cut down to the names its content stream mentions. WeasyPrint gives every page of a
    document the same resources (every image and font of the document): a page split off alone must not carry the
    other pages' images – another officer's QR code, say."""
    names = {name.decode("latin-1") for name in _NAME.findall(content)}
    result = DictionaryObject()
    for key, value in resources.get_object().items():
        if key in _NAMED_RESOURCES:
            entries = value.get_object()
            result[NameObject(key)] = DictionaryObject({NameObject(name): item for name, item in entries.items()
                                                        if name[1:] in names})
        else:
            result[NameObject(key)] = value
    return result


class PdfConcatenator:
    def __init__(self, handle):
        self.out = handle
        self.offsets = [0, 0, 0]  # by object number; 0 is the free head, 1 the catalogue, 2 the page tree
        self.kids = []
        self.out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _number(self):
        self.offsets.append(0)
        return len(self.offsets) - 1

    def _write(self, number, obj):
        self.offsets[number] = self.out.tell()
        self.out.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")

    def add(self, data):
        """Append every page of one PDF (bytes)."""
        self.add_pages(PdfReader(io.BytesIO(data)))

    def add_pages(self, reader, first=0, count=None, prune=False):
        """Append `count` pages of a pypdf reader from page `first` (all of them by default). A reference to a page
        left out (a link to it, say) becomes null rather than pulling that page in. `prune`: each page and form
        keeps only the resources its content uses (see _resources_used)."""
        chosen = reader.pages[first:first + count if count is not None else None]
        chosen_ids = {page.indirect_reference.idnum for page in chosen if page.indirect_reference is not None}
        left_out = {page.indirect_reference.idnum for page in reader.pages
                    if page.indirect_reference is not None} - chosen_ids
        copier = _Copier(self, left_out, prune)
        pages = []
        for page in chosen:
            number = self._number()
            if page.indirect_reference is not None:
                copier.mapping[page.indirect_reference.idnum] = number  # annotations pointing back at their page
            pages.append((number, page))
        for number, page in pages:
            # pypdf has already copied what a page inherits from its page tree (resources, media box…) onto it
            pruned = prune and "/Resources" in page
            copied = copier.copy(page, skip=("/Parent", "/Resources") if pruned else ("/Parent",))
            if pruned:
                copied[NameObject("/Resources")] = copier.copy(_resources_used(page["/Resources"], _content_of(page)))
            copied[NameObject("/Parent")] = IndirectObject(PAGES, 0, None)
            self._write(number, copied)
            self.kids.append(number)
        while copier.queue:
            indirect = copier.queue.pop()
            self._write(copier.mapping[indirect.idnum], copier.copy(indirect.get_object()))

    def close(self):
        """Write the page tree, catalogue, cross-reference table and trailer."""
        pages = DictionaryObject({NameObject("/Type"): NameObject("/Pages"),
                                  NameObject("/Kids"): ArrayObject(IndirectObject(n, 0, None) for n in self.kids),
                                  NameObject("/Count"): NumberObject(len(self.kids))})
        self._write(PAGES, pages)
        self._write(CATALOG, DictionaryObject({NameObject("/Type"): NameObject("/Catalog"),
                                               NameObject("/Pages"): IndirectObject(PAGES, 0, None)}))
        xref = self.out.tell()
        lines = [f"xref\n0 {len(self.offsets)}\n", "0000000000 65535 f \n"]
        lines += [f"{offset:010d} 00000 n \n" for offset in self.offsets[1:]]
        lines.append(f"trailer\n<< /Size {len(self.offsets)} /Root {CATALOG} 0 R >>\nstartxref\n{xref}\n%%EOF\n")
        self.out.write("".join(lines).encode("ascii"))


class _Copier:
    """Copies objects of one input into a PdfConcatenator's output, renumbered; the objects referred to are queued
    (each once) to be written after the pages."""

    def __init__(self, output, left_out, prune):
        self.output, self.left_out, self.prune = output, left_out, prune
        self.mapping, self.queue = {}, []

    def ref(self, indirect):
        if indirect.idnum in self.left_out:
            return NullObject()
        if indirect.idnum not in self.mapping:
            self.mapping[indirect.idnum] = self.output._number()
            self.queue.append(indirect)
        return IndirectObject(self.mapping[indirect.idnum], 0, None)

    def copy(self, obj, skip=()):
        if isinstance(obj, IndirectObject):
            return self.ref(obj)
        if isinstance(obj, StreamObject):
            result = obj.__class__()
            for key, value in obj.items():
                if key == "/Resources" and self.prune:
                    result[NameObject(key)] = self.copy(_resources_used(value, obj.get_data()))
                elif key != "/Length":  # written again from the data
                    result[NameObject(key)] = self.copy(value)
            result._data = obj._data
            return result
        if isinstance(obj, DictionaryObject):
            return DictionaryObject({NameObject(key): self.copy(value) for key, value in obj.items() if key not in skip})
        if isinstance(obj, ArrayObject):
            return ArrayObject(self.copy(item) for item in obj)
        return obj


def split_pdf(data, counts):
    """[PDF bytes] of consecutive runs of pages of one PDF: `counts` pages for each file, in order (their sum is the
    PDF's page count). Each file stands alone, with a copy of the fonts and images its pages use, and nothing of
    the other pages."""
    reader = PdfReader(io.BytesIO(data))
    if sum(counts) != len(reader.pages):
        raise ValueError(f"{sum(counts)} pages asked for, the PDF has {len(reader.pages)}")
    files, first = [], 0
    for count in counts:
        out = io.BytesIO()
        part = PdfConcatenator(out)
        part.add_pages(reader, first, count, prune=True)
        part.close()
        files.append(out.getvalue())
        first += count
    return files
