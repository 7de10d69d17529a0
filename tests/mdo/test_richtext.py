"""The sanitiser every rich text goes through (minutes, a project's description, a consultation's
presentation and scope): it keeps what the toolbar writes, drops scripts, and reads older plain text."""

from mdo.richtext import plain_text, sanitise

#: What the toolbar (Quill's semantic HTML) writes for bold, italic, underline, lists, a quote and a link.
TOOLBAR_HTML = (
    "<p>Avancement <strong>validé</strong>, <em>à confirmer</em>, <u>souligné</u></p>"
    "<ol><li>Premier</li><li>Second</li></ol>"
    "<ul><li>Puce</li></ul>"
    "<blockquote>Citation</blockquote>"
    '<p><a href="https://oye.lyon.fr/projets/12" rel="noopener noreferrer">Oyé</a></p>'
)


def test_the_toolbars_html_is_kept_as_written():
    assert sanitise(TOOLBAR_HTML) == TOOLBAR_HTML


def test_scripts_handlers_and_javascript_links_are_dropped():
    cleaned = sanitise(
        '<p onclick="steal()">Texte<script>alert(1)</script></p><img src=x onerror="alert(2)">'
        '<a href="javascript:alert(3)">lien</a><iframe src="https://evil.example"></iframe>'
    )
    assert cleaned == '<p>Texte</p><a rel="noopener noreferrer">lien</a>'
    for dropped in ("script", "onclick", "onerror", "<img", "javascript:", "iframe", "alert"):
        assert dropped not in cleaned


def test_plain_text_of_older_rows_keeps_its_paragraphs_and_line_breaks_and_stays_text():
    assert sanitise("Un jardin partagé.\nDes bacs.\n\nUne fresque & 2 < 3") == (
        "<p>Un jardin partagé.<br>Des bacs.</p>\n\n<p>Une fresque &amp; 2 &lt; 3</p>"
    )


def test_plain_text_of_a_formatted_text_has_one_line_per_paragraph_or_item_and_no_tag():
    assert plain_text(TOOLBAR_HTML) == "Avancement validé, à confirmer, souligné\nPremier\nSecond\nPuce\nCitation\nOyé"
    assert plain_text("<p>A &amp; B<br>C</p>") == "A & B\nC"
    assert plain_text("Déjà du texte\nsur deux lignes") == "Déjà du texte\nsur deux lignes"
    assert plain_text("") == ""
