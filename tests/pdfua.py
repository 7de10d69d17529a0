"""The requirements of PDF/UA-1 (ISO 14289-1) that a program can check, read with pypdf.

No PDF/UA validator is installable here (veraPDF ships only from its own site and Maven, neither
reachable; PyPI, Debian and npm have no maintained one), so the tests check what veraPDF checks
mechanically, clause by clause, and say which document part breaks which clause:

- 7.1 tagged: a structure tree, ``/MarkInfo /Marked true``, and every painted thing of every page
  (text, paths, images) inside marked content that is either an artifact or real content whose MCID
  belongs to an element reachable from the structure tree's root;
- 7.1 title: ``dc:title`` in the XMP metadata and ``/ViewerPreferences /DisplayDocTitle true``;
- 7.2 language: a non-empty ``/Lang`` on the catalogue;
- 7.3 figures: every ``Figure`` element has an ``/Alt`` (or ``/ActualText``);
- 7.4 headings: the first heading is ``H1`` and no level is skipped on the way down;
- 7.5 tables: every table has header cells, and every data cell names its headers (``Headers``) or
  every header cell has a ``Scope``;
- 7.18 annotations: a page with annotations has ``/Tabs /S``; each link is tagged (``StructParent``)
  and carries a ``/Contents`` description;
- 7.21 fonts: every font is embedded;
- 5 identification: ``pdfuaid:part="1"`` in the XMP metadata.
"""

import io
import re
from xml.etree import ElementTree

from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject, NameObject

PAINTING = {b"Tj", b"TJ", b"'", b'"', b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"sh", b"Do"}
PDFUA_ID = "http://www.aiim.org/pdfua/ns/id/"
DC = "http://purl.org/dc/elements/1.1/"


def pdf_ua_failures(content: bytes) -> list[str]:
    """What breaks PDF/UA-1 in ``content``, one line per clause and place; empty when all holds."""
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"].get_object()
    failures: list[str] = []
    failures += _catalogue(root)
    tree = root.get("/StructTreeRoot")
    if tree is None:
        failures.append("7.1 : pas d'arbre de structure (/StructTreeRoot)")
    structure = _Structure(tree.get_object() if tree is not None else DictionaryObject())
    failures += structure.failures
    for number, page in enumerate(reader.pages, start=1):
        failures += _page_content(page, number, structure.mcids)
        failures += _annotations(page, number)
        failures += _fonts(page.get("/Resources"), f"page {number}", set())
    return failures


def _catalogue(root) -> list[str]:
    failures = []
    mark_info = root.get("/MarkInfo")
    if mark_info is None or not bool(mark_info.get_object().get("/Marked")):
        failures.append("7.1 : /MarkInfo /Marked n'est pas vrai")
    if not str(root.get("/Lang", "")).strip():
        failures.append("7.2 : pas de langue (/Lang) sur le document")
    preferences = root.get("/ViewerPreferences")
    if preferences is None or not bool(preferences.get_object().get("/DisplayDocTitle")):
        failures.append("7.1 : /ViewerPreferences /DisplayDocTitle n'est pas vrai")
    metadata = root.get("/Metadata")
    if metadata is None:
        return [*failures, "5 et 7.1 : pas de métadonnées XMP"]
    xmp = ElementTree.fromstring(re.sub(rb"<\?xpacket[^>]*\?>", b"", metadata.get_object().get_data()).strip())
    titles = [node.text for title in xmp.iter(f"{{{DC}}}title") for node in title.iter()]
    if not any(title and title.strip() for title in titles):
        failures.append("7.1 : pas de titre (dc:title) dans les métadonnées XMP")
    parts = [element.get(f"{{{PDFUA_ID}}}part") for element in xmp.iter()]
    parts += [element.text for element in xmp.iter() if element.tag == f"{{{PDFUA_ID}}}part"]
    if "1" not in parts:
        failures.append('5 : pas d\'identification PDF/UA (pdfuaid:part="1")')
    return failures


class _Structure:
    """Walks the structure tree from its root: the (page, MCID) pairs it reaches, and the failures of
    its figures, headings and tables."""

    def __init__(self, tree: DictionaryObject):
        self.mcids: set[tuple[int, int]] = set()
        self.failures: list[str] = []
        self.headings: list[int] = []
        self._seen: set[int] = set()
        self._visit(tree.get("/K"), page=None)
        if self.headings and self.headings[0] != 1:
            self.failures.append(f"7.4 : le premier titre est H{self.headings[0]}, pas H1")
        for before, after in zip(self.headings, self.headings[1:], strict=False):
            if after > before + 1:
                self.failures.append(f"7.4 : un titre H{after} suit un H{before} (niveau sauté)")

    def _visit(self, kid, page) -> None:
        if kid is None:
            return
        if isinstance(kid, IndirectObject):
            if kid.idnum in self._seen:
                return
            self._seen.add(kid.idnum)
        node = kid.get_object() if isinstance(kid, IndirectObject) else kid
        if isinstance(node, ArrayObject):
            for item in node:
                self._visit(item, page)
            return
        if isinstance(node, int):
            if page is not None:
                self.mcids.add((page, int(node)))
            return
        if not isinstance(node, DictionaryObject):
            return
        own_page = node.get("/Pg")
        page = own_page.idnum if isinstance(own_page, IndirectObject) else page
        kind = node.get("/Type")
        if kind == "/MCR":
            self.mcids.add((page, int(node["/MCID"])))
            return
        if kind == "/OBJR":
            return
        self._element(node)
        self._visit(node.get("/K"), page)

    def _element(self, node: DictionaryObject) -> None:
        tag = str(node.get("/S", ""))
        if tag == "/Figure" and not (str(node.get("/Alt", "")).strip() or str(node.get("/ActualText", "")).strip()):
            self.failures.append("7.3 : une figure sans texte de remplacement (/Alt)")
        if re.fullmatch(r"/H[1-6]", tag):
            self.headings.append(int(tag[2:]))
        if tag == "/Table":
            cells = list(_descendants(node))
            headers = [cell for cell in cells if cell.get("/S") == "/TH"]
            data = [cell for cell in cells if cell.get("/S") == "/TD"]
            if not headers:
                self.failures.append("7.5 : un tableau sans cellule d'en-tête (TH)")
            elif data and not (
                all(_attribute(cell, "/Headers") for cell in data)
                or all(_attribute(cell, "/Scope") for cell in headers)
            ):
                self.failures.append("7.5 : des cellules sans en-têtes (ni Headers sur les TD ni Scope sur les TH)")


def _descendants(node: DictionaryObject):
    kids = node.get("/K")
    kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        child = kid.get_object() if isinstance(kid, IndirectObject) else kid
        if isinstance(child, DictionaryObject) and child.get("/Type") not in ("/MCR", "/OBJR"):
            yield child
            if child.get("/S") != "/Table":  # a nested table answers for itself
                yield from _descendants(child)


def _attribute(node: DictionaryObject, name: str):
    attributes = node.get("/A")
    attributes = attributes.get_object() if attributes is not None else None
    for item in attributes if isinstance(attributes, ArrayObject) else [attributes]:
        item = item.get_object() if isinstance(item, IndirectObject) else item
        if isinstance(item, DictionaryObject) and item.get(name):
            return item.get(name)
    return None


def _page_content(page, number: int, reached: set[tuple[int, int]]) -> list[str]:
    """Each painting operator sits in an artifact or in real content that the tree reaches."""
    properties = (page.get("/Resources") or {}).get("/Properties") or {}
    stack: list[tuple[bool, int | None]] = []  # (artifact, MCID) of each open marked-content sequence
    untagged, unreached = 0, set()
    page_id = page.indirect_reference.idnum
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator in (b"BDC", b"BMC"):
            tag = operands[0]
            props = operands[1] if operator == b"BDC" else None
            if isinstance(props, NameObject):
                props = properties.get(props)
            props = props.get_object() if props is not None else None
            mcid = props.get("/MCID") if isinstance(props, DictionaryObject) else None
            stack.append((tag == "/Artifact", int(mcid) if mcid is not None else None))
            if mcid is not None and (page_id, int(mcid)) not in reached:
                unreached.add(int(mcid))
        elif operator == b"EMC":
            if stack:
                stack.pop()
        elif operator in PAINTING or operator == b"INLINE IMAGE":
            if not any(artifact or mcid is not None for artifact, mcid in stack):
                untagged += 1
    failures = []
    if untagged:
        failures.append(f"7.1 : page {number}, {untagged} opérations de dessin ni balisées ni marquées comme artefact")
    if unreached:
        failures.append(
            f"7.1 : page {number}, contenu balisé hors de l'arbre de structure (MCID {sorted(unreached)[:10]})"
        )
    return failures


def _annotations(page, number: int) -> list[str]:
    annotations = [annotation.get_object() for annotation in page.get("/Annots") or []]
    if not annotations:
        return []
    failures = []
    if page.get("/Tabs") != "/S":
        failures.append(f"7.18.3 : page {number} a des annotations mais pas /Tabs /S")
    for annotation in annotations:
        if annotation.get("/Subtype") != "/Link":
            continue
        if annotation.get("/StructParent") is None:
            failures.append(f"7.18.1 : page {number}, un lien hors de l'arbre de structure")
        if not str(annotation.get("/Contents", "")).strip():
            failures.append(f"7.18.5 : page {number}, un lien sans description (/Contents)")
    return failures


def _fonts(resources, where: str, seen: set[int]) -> list[str]:
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject):
        return []
    failures = []
    for name, reference in (resources.get("/Font") or {}).items():
        font = reference.get_object()
        if font.get("/Subtype") == "/Type3":
            continue
        described = font["/DescendantFonts"][0].get_object() if font.get("/Subtype") == "/Type0" else font
        descriptor = (described.get("/FontDescriptor") or DictionaryObject()).get_object()
        if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            failures.append(f"7.21.4 : {where}, police {font.get('/BaseFont', name)} non incorporée")
    for reference in (resources.get("/XObject") or {}).values():
        if isinstance(reference, IndirectObject):
            if reference.idnum in seen:
                continue
            seen.add(reference.idnum)
        xobject = reference.get_object()
        if xobject.get("/Subtype") == "/Form":
            failures += _fonts(xobject.get("/Resources"), where, seen)
    return failures


def house_pdf_failures(content: bytes) -> list[str]:
    """PDF/UA-1 as above, plus what every PDF of the app promises: the PDF/A-3b identification, the
    shared footer and "n / N" on every page."""
    reader = PdfReader(io.BytesIO(content))
    failures = pdf_ua_failures(content)
    metadata = reader.trailer["/Root"].get("/Metadata")
    xmp = metadata.get_object().get_data() if metadata is not None else b""
    if not (re.search(rb"pdfaid:part=['\"]3['\"]", xmp) and re.search(rb"pdfaid:conformance=['\"]B['\"]", xmp)):
        failures.append("PDF/A : pas d'identification PDF/A-3b (pdfaid:part 3, conformance B)")
    texts = [page.extract_text() for page in reader.pages]
    for number, text in enumerate(texts, start=1):
        if f"{number} / {len(texts)}" not in text:
            failures.append(f"pied de page : page {number} sans « {number} / {len(texts)} »")
        if "— MDO Pilotage — édité le" not in text:
            failures.append(f"pied de page : page {number} sans le pied de page commun")
    return failures
