"""Message texts from templates: the recipient's language, a missing variable or template as a
problem (never a message with a hole), and subjects kept to one line."""

import pytest

from expo.messaging.render import TemplateProblem, render

CONTEXT = {"name": "Sari", "title": "Booth\nconfirmed", "body": "<b>A-01</b>", "link": "https://x.test/"}


def test_languages_and_escaping() -> None:
    english = render("notice", CONTEXT, "en")
    indonesian = render("notice", CONTEXT, "id")
    assert english.text.startswith("Hello Sari,")
    assert indonesian.text.startswith("Halo Sari,")
    assert render("notice", CONTEXT, "fr").text == indonesian.text  # an unknown language: Indonesian
    assert english.subject == "Booth confirmed"  # one line: a subject is a mail header
    assert "&lt;b&gt;A-01&lt;/b&gt;" in english.html  # escaped in HTML
    assert "<b>A-01</b>" in english.text  # as typed in plain text
    assert english.whatsapp.startswith("*Booth\nconfirmed*")


def test_missing_variable_or_template() -> None:
    with pytest.raises(TemplateProblem, match="'name' is undefined"):
        render("notice", {k: v for k, v in CONTEXT.items() if k != "name"}, "id")
    with pytest.raises(TemplateProblem, match="missing"):
        render("no_such_message", CONTEXT, "id")
    with pytest.raises(TemplateProblem, match="not valid"):
        render("../admin/index", CONTEXT, "id")
