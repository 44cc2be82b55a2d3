"""Read a rendered report table back as a reader sees it: its headings in reading order
(row by row) and the text of each body row's cells."""

from html.parser import HTMLParser


class _TableReader(HTMLParser):
    def __init__(self, css_class: str):
        super().__init__()
        self.css_class = css_class
        self.depth = 0  # nesting of tables inside the wanted one
        self.section = ""
        self.headings: list[str] = []
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.row: list[str] | None = None
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table":
            if self.depth or self.css_class in (attributes.get("class") or "").split():
                self.depth += 1
            return
        if self.depth != 1:
            return
        if tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr" and self.section == "tbody":
            self.row = []
        elif tag in ("th", "td"):
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
            return
        if self.depth != 1:
            return
        if tag in ("th", "td") and self.cell is not None:
            text = " ".join("".join(self.cell).split(" ")).strip()
            text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
            if self.section == "thead":
                self.headings.append(text)
            elif self.row is not None:
                self.row.append(text)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.depth == 1 and self.cell is not None:
            self.cell.append(data.replace("\n", " "))


def read_table(html: str, css_class: str = "report") -> tuple[list[str], list[list[str]]]:
    reader = _TableReader(css_class)
    reader.feed(html)
    return reader.headings, reader.rows


def row_of(rows: list[list[str]], first: str) -> list[str]:
    """The body row whose first cell starts with `first`."""
    for row in rows:
        if row and row[0].startswith(first):
            return row
    raise AssertionError(f"no row starts with {first!r}: {[r[:1] for r in rows]}")
