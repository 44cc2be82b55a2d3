"""Plain text from what documents and spreadsheets hand us.

PDF extractions and pasted cells carry HTML fragments (`<ul style=…><li>…`). They are turned
into plain text here, list items becoming lines that start with ・, so nothing stored is
markup a page could render and nothing the document said is lost.
"""

import html
import re
from html.parser import HTMLParser

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_BLOCK_TAGS = {"p", "div", "br", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
_BULLETS = ("・", "•", "●", "○", "◆", "■", "※", "-", "－")


class _PlainText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self.parts.append("\n\u0000")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS or tag == "li":
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)

    def text(self) -> str:
        lines = []
        for raw_line in "".join(self.parts).split("\n"):
            is_item = raw_line.startswith("\u0000")
            line = raw_line.replace("\u0000", "").strip()
            if not line:
                continue
            if is_item and not line.startswith(_BULLETS):
                line = "・" + line
            lines.append(line)
        return "\n".join(lines)


def clean_text(value: str) -> str:
    """Trimmed plain text; HTML fragments become ・ lines; line breaks are kept."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if _TAG.search(text):
        parser = _PlainText()
        parser.feed(text)
        parser.close()
        text = parser.text()
    elif "&" in text:
        text = html.unescape(text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()
