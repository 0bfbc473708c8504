"""A chunk of certificates laid out as ONE WeasyPrint document, when that cannot change any certificate's pages.

Laying each certificate out as a document of its own repeats per certificate the work of a document: the
template's `<style>` parsed again, its styles computed again (issue 22: about 15 % of the layout). Laid out
together – the shared head once, each certificate's body in a wrapper that starts a new page – the pages are the
same as separate renders only for what cannot reach from one certificate to another or see the wrapper. So
`chunk_document` joins the pages only when each is one of ours (`document_html`'s form) with the same head, and
when the template passes a conservative check (`safe_css`, `safe_body`): anything it does not know for sure is
refused, and the chunk is then laid out certificate by certificate, as before. Refused:
- what carries from page to page or certificate to certificate: counters (`counter()`, the page counters),
  `position: fixed` (drawn on every page of a document), running elements and `string-set`, footnotes,
  named pages and `@page :first`/`:left`/`:right`/`:blank`, breaks to a left or right page;
- selectors that could see the wrapper or the other certificates: child and sibling combinators, pseudo-classes
  and pseudo-elements, the universal selector, `[id…]` attribute selectors; at-rules other than `@page` (without
  selector) and `@font-face`;
- on `body` and `html` (one box for the whole chunk instead of one per certificate: a margin would only apply
  to the first page), anything but inherited text properties, backgrounds and zero margins and paddings;
- in the bodies: `<style>`, `<link>` and `<base>` elements, `style` attributes, and `id`/`name` attributes and
  links to `#…` (a link would reach another certificate's copy of the anchor).
Each page is parsed on its own (as WeasyPrint parses a certificate laid out alone), so that markup one leaves open
cannot reach the next; each certificate's pages are then found from the boxes of each page (`page_counts`).
tests/certificates/test_chunk.py renders certificates alone and in a chunk and compares them page by page.
"""
import re
from functools import lru_cache

WRAPPER = "cpms-chunk-certificate"  # an element name no template rule may name (refused in safe_css)
_WRAPPER_CSS = f"{WRAPPER} {{ display: block; }} {WRAPPER} + {WRAPPER} {{ break-before: page; }}"
_REFUSED_ELEMENTS = {"style", "link", "base", WRAPPER}
_REFUSED_FUNCTIONS = {"counter", "counters", "string", "element", "running", "target-counter", "target-counters",
                      "target-text"}
_REFUSED_PROPERTY = re.compile(r"^counter-|^string-set$|^page$|footnote|^anchor$|^link$|^-weasy-")
_BREAKS = {"break-before", "break-after", "page-break-before", "page-break-after"}
_ROOT_PROPERTIES = re.compile(r"(color|font(-.+)?|line-height|letter-spacing|word-spacing|text-align|"
                              r"text-transform|hyphens|white-space|orphans|widows|quotes|background(-.+)?|"
                              r"(margin|padding)(-.+)?)$")


def chunk_document(htmls, base_url, url_fetcher):
    """(a weasyprint.HTML of the certificate pages `htmls` (each from document_html) as one document, the elements
    that wrap each page's body), or None when they cannot be joined without changing a page (see the module's
    docstring). Each page is parsed on its own, as WeasyPrint parses a certificate laid out alone (so that nothing
    left open by one page's markup reaches the next); then the bodies are moved, each in a wrapper, into the first
    page's tree (HTML keeps its parsed tree in `wrapper_element`/`etree_element`, which its render reads)."""
    import cssselect2
    import tinyhtml5
    from weasyprint import HTML

    document = HTML(string=htmls[0], base_url=base_url, url_fetcher=url_fetcher)
    trees = [document.etree_element] + [tinyhtml5.parse(html, namespace_html_elements=False) for html in htmls[1:]]
    heads, bodies = zip(*(_head_and_body(tree) for tree in trees))
    if None in heads or len(set(heads)) != 1 or not safe_head(heads[0]) or not all(map(safe_body, bodies)):
        return None
    if any(body.attrib != bodies[0].attrib or tree.attrib != trees[0].attrib
           for tree, body in zip(trees, bodies)):
        return None
    wrappers = []
    for n, body in enumerate(bodies):
        wrapper = body.makeelement(WRAPPER, {})
        wrapper.text, body.text = body.text, None
        wrapper.extend(list(body))
        wrappers.append(wrapper)
    bodies[0][:] = wrappers
    trees[0].find("head").append(trees[0].makeelement("style", {}))
    trees[0].find("head")[-1].text = _WRAPPER_CSS
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(trees[0], content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document, wrappers


def _head_and_body(tree):
    """(the head serialised, the body element) of a parsed page; (None, None) unless it is html(head, body)."""
    from xml.etree import ElementTree

    if tree.tag != "html" or [child.tag for child in tree] != ["head", "body"]:
        return None, None
    return ElementTree.tostring(tree[0], encoding="unicode"), tree[1]


def page_counts(document, wrappers):
    """[number of pages] of each certificate of a rendered chunk_document (`wrappers`: its wrappers, in order);
    None if a page does not hold exactly one of them. Found from the boxes of each page (the wrappers carry no
    `id` to be found by: an anchor would give each one a style of its own, and then each of its elements – the
    sharing of computed styles between identical elements, most of what a chunk saves, would be lost)."""
    index = {id(wrapper): number for number, wrapper in enumerate(wrappers)}
    owners = []
    for page in document.pages:
        root = getattr(page, "_page_box", None)
        html = root.children[0] if root is not None and root.children else None
        body = html.children[0] if html is not None and getattr(html, "children", None) else None
        found = {index.get(id(getattr(box, "element", None))) for box in getattr(body, "children", ())}
        if len(found) != 1 or None in found:
            return None
        owners.append(found.pop())
    if owners != sorted(owners) or set(owners) != set(range(len(wrappers))):
        return None
    return [owners.count(number) for number in range(len(wrappers))]


def safe_body(body):
    """Whether a page's body holds nothing that could reach another certificate of the chunk: no style sheet,
    no anchor (`id`, `name`), no link to one, no `style` attribute the check of safe_css would refuse."""
    import tinycss2

    for element in body.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        if element.tag.rsplit("}", 1)[-1].lower() in _REFUSED_ELEMENTS:
            return False
        for name, value in element.attrib.items():
            name = name.rsplit("}", 1)[-1].lower()
            if name in ("id", "name") or (name == "href" and value.strip().startswith("#")):
                return False
            if name == "style" and not _safe_declarations(tinycss2.parse_blocks_contents(value)):
                return False
    return True


@lru_cache(maxsize=8)
def safe_head(head):
    """Whether every style sheet of the head (the template's CSS, the QR code's rule, the page size) passes
    safe_css, and it links none. A batch's heads are all the same: checked once per process."""
    from xml.etree import ElementTree

    element = ElementTree.fromstring(head)  # nosec B314 – our own serialisation of a parsed head (no DTD, no entity)
    if any(child.tag in ("link", "base") for child in element.iter()):
        return False
    return all(safe_css(style.text or "") for style in element.iter("style"))


def safe_css(css):
    """Whether a style sheet is sure to style each certificate of a chunk exactly as when laid out alone."""
    import tinycss2

    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            subjects = _selector_subjects(rule.prelude)
            if subjects is None or not _safe_declarations(tinycss2.parse_blocks_contents(rule.content),
                                                          root=bool(subjects & {"body", "html"})):
                return False
        elif rule.type == "at-rule" and rule.lower_at_keyword == "page":
            if any(token.type != "whitespace" for token in rule.prelude) or not _safe_declarations(
                    tinycss2.parse_blocks_contents(rule.content or [])):
                return False
        elif not (rule.type == "at-rule" and rule.lower_at_keyword == "font-face"):
            return False  # @media, @import, @layer, @counter-style…, or a parse error
    return True


def _selector_subjects(prelude):
    """{type name of each selector's subject ("" if none)} of a selector list made only of type, class, id and
    attribute selectors joined by descendant combinators; None for anything else."""
    selectors = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        elif token.type != "comment":
            selectors[-1].append(token)
    subjects = {_subject(tokens) for tokens in selectors}
    return None if None in subjects else subjects


def _subject(tokens):
    """The type name of a selector's subject ("" if none), or None if the selector is not of the simple kind."""
    while tokens and tokens[-1].type == "whitespace":
        tokens.pop()
    subject = None
    for index, token in enumerate(tokens):
        after_dot = index > 0 and tokens[index - 1].type == "literal" and tokens[index - 1].value == "."
        if token.type == "whitespace":
            subject = None
        elif token.type == "ident" and WRAPPER not in token.lower_value:
            subject = subject if after_dot else token.lower_value
        elif token.type == "literal" and token.value == "." and index + 1 < len(tokens) \
                and tokens[index + 1].type == "ident":
            continue
        elif token.type == "hash" and WRAPPER not in token.value.lower() or \
                token.type == "[] block" and _attribute_name(token) not in (None, "id"):
            continue
        else:  # > + ~ * | : functions, the wrapper's name, anything unknown
            return None
    return (subject or "") if tokens else None


def _attribute_name(block):
    name = next((token for token in block.content if token.type != "whitespace"), None)
    return name.lower_value if name is not None and name.type == "ident" else None


def _safe_declarations(declarations, root=False):
    """Whether declarations (of a rule, an @page rule or a style attribute) can be applied to a chunk: nothing
    that counts or moves content from page to page, no break to a left or right page; on body and html (root),
    only inherited text properties, backgrounds, and margins and paddings of zero."""
    for declaration in declarations:
        if declaration.type in ("whitespace", "comment") or (
                declaration.type == "literal" and declaration.value == ";"):
            continue
        if declaration.type != "declaration":
            return False  # nested rules (@page's margin boxes), errors
        name = declaration.lower_name
        if _REFUSED_PROPERTY.search(name) or (root and not _ROOT_PROPERTIES.match(name)):
            return False
        values = [token for token in declaration.value if token.type not in ("whitespace", "comment")]
        if root and name.startswith(("margin", "padding")) and not all(_is_zero(token) for token in values):
            return False
        for token in _flatten(values):
            if token.type == "function" and token.lower_name in _REFUSED_FUNCTIONS:
                return False
            if token.type == "ident" and (
                    token.lower_value == "footnote" or (name == "position" and token.lower_value == "fixed")
                    or (name in _BREAKS and token.lower_value in ("left", "right", "recto", "verso"))):
                return False
    return True


def _is_zero(token):
    return token.type in ("number", "dimension", "percentage") and token.value == 0


def _flatten(tokens):
    for token in tokens:
        yield token
        if token.type == "function":
            yield from _flatten(token.arguments)
        elif token.type in ("() block", "[] block", "{} block"):
            yield from _flatten(token.content)
