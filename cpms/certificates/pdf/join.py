"""Join PDFs into one, page after page, straight into a file.

pypdf's PdfWriter keeps every page of the result in memory until it writes; for a 450-certificate cohort we
instead copy each input's objects to the output as soon as it is read, renumbered, and keep only their
offsets. The page tree, the catalogue and the cross-reference table are written at the end.
"""
import io

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, NumberObject, StreamObject

CATALOG, PAGES = 1, 2


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

    def add(self, data):  # noqa: C901
        """Append every page of one PDF (bytes)."""
        reader = PdfReader(io.BytesIO(data))
        mapping, queue = {}, []

        def ref(indirect):
            if indirect.idnum not in mapping:
                mapping[indirect.idnum] = self._number()
                queue.append(indirect)
            return IndirectObject(mapping[indirect.idnum], 0, None)

        def copy(obj, skip=()):
            if isinstance(obj, IndirectObject):
                return ref(obj)
            if isinstance(obj, StreamObject):
                result = obj.__class__()
                for key, value in obj.items():
                    if key != "/Length":  # written again from the data
                        result[NameObject(key)] = copy(value)
                result._data = obj._data
                return result
            if isinstance(obj, DictionaryObject):
                result = DictionaryObject()
                for key, value in obj.items():
                    if key not in skip:
                        result[NameObject(key)] = copy(value)
                return result
            if isinstance(obj, ArrayObject):
                return ArrayObject(copy(item) for item in obj)
            return obj

        pages = []
        for page in reader.pages:
            number = self._number()
            if page.indirect_reference is not None:
                mapping[page.indirect_reference.idnum] = number  # annotations pointing back at their page
            pages.append((number, page))
        for number, page in pages:
            # pypdf has already copied what a page inherits from its page tree (resources, media box…) onto it
            copied = copy(page, skip=("/Parent",))
            copied[NameObject("/Parent")] = IndirectObject(PAGES, 0, None)
            self._write(number, copied)
            self.kids.append(number)
        while queue:
            indirect = queue.pop()
            self._write(mapping[indirect.idnum], copy(indirect.get_object()))

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
