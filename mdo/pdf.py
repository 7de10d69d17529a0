"""Every PDF of the app: tagged and archival (PDF/A-3b with PDF/UA-1), from one base template.

``templates/mdo/pdf/base.html`` carries the city's identity (name and logo set by the administrator
in ``CityIdentity``), the same footer on every kind with "n / N" page numbers, and the table rules
that keep a row on one page, repeat the header row on each page and let no column run off the page.

WeasyPrint writes one variant at a time: ``pdf_variant="pdf/a-3b"`` with ``pdf_tags=True`` gives the
archival file and the structure tree PDF/UA asks for; the PDF/UA identification (``pdfuaid:part``)
is added to the same XMP packet, so that a validator recognises both. WeasyPrint tags the text of the
page margins (the city's name and logo, the footer, "n / N") without hanging it in the structure tree;
PDF/UA wants every painted thing either in the tree or an artifact, and running heads and page
numbers are pagination artifacts: ``_untreed_content_as_artifacts`` makes them so before the file is
written. ``tests/pdfua.py`` checks every kind of PDF against the clauses of PDF/UA-1 a program can check.
"""

import logging
from xml.etree.ElementTree import SubElement, fromstring, tostring

from django.template.loader import render_to_string
from django.utils import timezone

# WeasyPrint narrates each layout step at INFO: keep the logs for what matters.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

ARCHIVAL_VARIANT = "pdf/a-3b"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFUA_ID = "http://www.aiim.org/pdfua/ns/id/"


def _declare_pdfua(metadata) -> None:
    """Adds ``pdfuaid:part="1"`` to the RDF that WeasyPrint writes for PDF/A."""
    generate = metadata.generate_rdf_metadata

    def generate_with_ua(variant, version, conformance):
        rdf = fromstring(generate(variant, version, conformance))
        description = SubElement(rdf, f"{{{RDF}}}Description")
        description.attrib[f"{{{RDF}}}about"] = ""
        description.attrib[f"{{{PDFUA_ID}}}part"] = "1"
        return tostring(rdf, encoding="utf-8")

    metadata.generate_rdf_metadata = generate_with_ua


def render_pdf(template: str, context: dict, *, base_url: str | None = None) -> bytes:
    """``template`` (extending ``mdo/pdf/base.html``) as a tagged PDF/A-3b with the city's identity."""
    from weasyprint import HTML  # slow import: only when a PDF is asked for

    from mdo.models import CityIdentity

    identity = CityIdentity.current()
    context = {
        "identity": identity,
        "logo_path": identity.logo.path if identity.logo else "",
        "generated_at": timezone.localtime(),
        **context,
    }
    html = render_to_string(template, context)
    document = HTML(string=html, base_url=base_url).render(pdf_tags=True)
    _declare_pdfua(document.metadata)
    return document.write_pdf(pdf_variant=ARCHIVAL_VARIANT, pdf_tags=True, finisher=_untreed_content_as_artifacts)


def _untreed_content_as_artifacts(document, pdf) -> None:
    """Marked content whose element the structure tree does not reach (WeasyPrint's page margins)
    becomes a pagination artifact, ``/Artifact <</Type /Pagination>> BDC``, and leaves the parent
    tree, so that assistive technology skips the running head and footer instead of finding content
    that belongs nowhere. Works on the pydyf objects WeasyPrint hands its finisher, before writing."""
    import pydyf

    if "StructTreeRoot" not in pdf.catalog:
        return

    def target(reference):
        return pdf.objects[int(reference.split()[0])]

    reached: set[tuple[bytes, int]] = set()
    seen: set[bytes] = set()
    pending = [(pdf.catalog["StructTreeRoot"], None)]
    while pending:
        reference, page = pending.pop()
        if reference in seen:
            continue
        seen.add(reference)
        node = target(reference)
        page = node.get("Pg", page)
        for kid in node.get("K") or ():
            if isinstance(kid, int):
                reached.add((page, kid))
            elif isinstance(kid, bytes):
                pending.append((kid, page))

    parent_tree = target(target(pdf.catalog["StructTreeRoot"])["ParentTree"])["Nums"]
    page_mcids = dict(zip(parent_tree[0::2], parent_tree[1::2], strict=True))
    for page_reference in pdf.page_references:
        page = target(page_reference)
        stream = target(page["Contents"]).stream
        mcid_parents = page_mcids.get(page.get("StructParents"))
        for position, item in enumerate(stream):
            if not (isinstance(item, pydyf.Dictionary) and "MCID" in item and stream[position + 1] == b"BDC"):
                continue
            mcid = item["MCID"]
            if (page_reference, mcid) in reached:
                continue
            stream[position - 1] = "/Artifact"
            stream[position] = pydyf.Dictionary({"Type": "/Pagination"})
            if isinstance(mcid_parents, list) and mcid < len(mcid_parents):
                mcid_parents[mcid] = b"null"
