"""Join PDFs into one, page after page, straight into a file; and split one PDF into several. Used by the
certificate batches and by documents drawn in parts in several processes (the sign-in sheet of a large session).

pypdf's PdfWriter keeps every page of the result in memory until it writes; for a 450-certificate cohort we
instead copy each input's objects to the output as soon as it is read, renumbered, and keep only their
offsets. The page tree, the catalogue and the cross-reference table are written at the end.

`split_pdf` cuts a PDF into files of consecutive pages (a batch renders a chunk of certificates as one PDF, then
stores each certificate's pages as its own file): each file gets the objects its pages use (fonts, images), copied.

`pdf_fragment` writes the objects of a whole PDF's pages, numbered from a given object number, as bytes that a
PdfConcatenator appends as they are (`add_fragment`) without parsing them again: a batch's rendering process
prepares its chunk's part of the cohort's combined PDF, and the scheduler only copies bytes (issue 22). Each chunk
numbers its objects in its own range (FRAGMENT_STRIDE numbers per chunk); the cross-reference table lists the
ranges used, in subsections, so the unused numbers between them cost nothing.
"""
import io
import re

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
)

CATALOG, PAGES = 1, 2
FIRST_FREE = 3  # the first object number after the catalogue and the page tree
FRAGMENT_STRIDE = 5000  # object numbers reserved per fragment: a chunk of 10 certificates uses about 100–200
MAX_OBJECT_NUMBER = 8_388_607  # readers' limit (PDF 1.7, Annex C)
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
    """Pages of several PDFs written one after the other to `handle`. `header`: False for a fragment (bytes to be
    appended to another concatenator's output); `first_number`: the object number its own objects start from."""

    def __init__(self, handle, header=True, first_number=FIRST_FREE):
        self.out = handle
        self.offsets = {}  # object number -> offset of its "n 0 obj"
        self.next_number = first_number
        self.kids = []
        if header:
            self.out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _number(self):
        self.next_number += 1
        return self.next_number - 1

    def _write(self, number, obj):
        self.offsets[number] = self.out.tell()
        self.out.write(f"{number} 0 obj\n".encode())
        write_object(obj, self.out)
        self.out.write(b"\nendobj\n")

    def add(self, data):
        """Append every page of one PDF (bytes); returns their object numbers."""
        return self.add_pages(PdfReader(io.BytesIO(data)))

    def add_fragment(self, fragment):
        """Append a fragment of pdf_fragment() as it is; returns its pages' object numbers. Its object numbers must
        not be used in this output already (each fragment has its own range)."""
        data, offsets, pages = fragment
        start = self.out.tell()
        clash = offsets.keys() & self.offsets.keys()
        if clash or any(number < FIRST_FREE for number in offsets):
            raise ValueError(f"object numbers used twice: {sorted(clash)[:5]}")
        self.out.write(data)
        self.offsets.update({number: start + offset for number, offset in offsets.items()})
        self.next_number = max(self.next_number, max(offsets, default=0) + 1)
        self.kids.extend(pages)
        return list(pages)

    def add_pages(self, reader, first=0, count=None, prune=False):
        """Append `count` pages of a pypdf reader from page `first` (all of them by default); returns their object
        numbers. A reference to a page left out (a link to it, say) becomes null rather than pulling that page in.
        `prune`: each page and form keeps only the resources its content uses (see _resources_used)."""
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
        return [number for number, _page in pages]

    def close(self, kids=None, like=None):
        """Write the page tree (`kids`: the pages' object numbers in the order to show them, by default the order
        they were added), catalogue, cross-reference table and trailer. `like` (a pypdf reader): the output takes
        its document information (title, producer) and language, as one document drawn in parts shows them."""
        kids = self.kids if kids is None else kids
        pages = DictionaryObject({NameObject("/Type"): NameObject("/Pages"),
                                  NameObject("/Kids"): ArrayObject(IndirectObject(n, 0, None) for n in kids),
                                  NameObject("/Count"): NumberObject(len(kids))})
        self._write(PAGES, pages)
        catalog = DictionaryObject({NameObject("/Type"): NameObject("/Catalog"),
                                    NameObject("/Pages"): IndirectObject(PAGES, 0, None)})
        info = None
        if like is not None:
            if "/Lang" in like.trailer["/Root"]:
                catalog[NameObject("/Lang")] = like.trailer["/Root"]["/Lang"]
            if "/Info" in like.trailer:
                info = self._number()
                self._write(info, DictionaryObject({NameObject(key): value for key, value
                                                    in like.trailer["/Info"].get_object().items()
                                                    if not isinstance(value, IndirectObject)}))
        self._write(CATALOG, catalog)
        xref = self.out.tell()
        lines = ["xref\n0 1\n0000000000 65535 f \n"]
        numbers = sorted(self.offsets)
        start = 0
        while start < len(numbers):  # one subsection per run of consecutive numbers
            end = start
            while end + 1 < len(numbers) and numbers[end + 1] == numbers[end] + 1:
                end += 1
            lines.append(f"{numbers[start]} {end - start + 1}\n")
            lines += [f"{self.offsets[n]:010d} 00000 n \n" for n in numbers[start:end + 1]]
            start = end + 1
        size = numbers[-1] + 1
        info = f" /Info {info} 0 R" if info else ""
        lines.append(f"trailer\n<< /Size {size} /Root {CATALOG} 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n")
        self.out.write("".join(lines).encode("ascii"))


_name_bytes = {}  # NameObject -> its bytes in a PDF; names repeat in every page, font and file


def _name(name):
    data = _name_bytes.get(name)
    if data is None:
        if len(_name_bytes) > 50_000:  # fonts' subset tags make new names: keep the memo bounded
            _name_bytes.clear()
        data = _name_bytes[name] = name.renumber()
    return data


def write_object(obj, out):
    """obj.write_to_stream(), the same bytes, faster: pypdf escapes each name character by character in Python (a
    third of the time a chunk took to split), here each name is escaped once and remembered. Dictionaries, arrays and
    streams are written as pypdf writes them; other objects by pypdf itself."""
    write, kind = out.write, type(obj)
    if kind is NameObject:
        write(_name(obj))
    elif kind is DictionaryObject or kind is EncodedStreamObject or kind is DecodedStreamObject:
        stream = kind is not DictionaryObject
        if stream:
            obj[NameObject("/Length")] = NumberObject(len(obj._data))
        write(b"<<\n")
        for key, value in obj.items():
            if len(key) > 2 and key[1] == "%" and key[-1] == "%":
                continue
            write(_name(key) if type(key) is NameObject else key.renumber())
            write(b" ")
            write_object(value, out)
            write(b"\n")
        write(b">>")
        if stream:
            del obj["/Length"]
            write(b"\nstream\n")
            write(obj._data)
            write(b"\nendstream")
    elif kind is ArrayObject:
        write(b"[")
        for item in obj:
            write(b" ")
            write_object(item, out)
        write(b" ]")
    elif kind is IndirectObject:
        write(f"{obj.idnum} {obj.generation} R".encode())
    else:
        obj.write_to_stream(out)


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
    return split_reader(PdfReader(io.BytesIO(data)), counts)


def split_reader(reader, counts):
    """split_pdf() of a PDF already read by pypdf."""
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


def fragment_first_number(index):
    """The first object number of the `index`-th fragment of an output (0, 1, …); None past readers' limit."""
    first = FIRST_FREE + index * FRAGMENT_STRIDE
    return first if first + FRAGMENT_STRIDE <= MAX_OBJECT_NUMBER else None


def pdf_fragment(reader, first_number):
    """(bytes, {object number: offset in the bytes}, [page object numbers]) of every page of a PDF read by pypdf,
    its objects numbered from `first_number`, for PdfConcatenator.add_fragment; None if they would not fit in
    their range of FRAGMENT_STRIDE numbers (the caller then adds the pages the ordinary way)."""
    out = io.BytesIO()
    part = PdfConcatenator(out, header=False, first_number=first_number)
    pages = part.add_pages(reader, prune=True)
    if part.next_number > first_number + FRAGMENT_STRIDE:
        return None
    return out.getvalue(), part.offsets, pages
