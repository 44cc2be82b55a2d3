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
        self.header_rows: list[list[tuple[str, int, int]]] = []
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
        elif tag == "tr" and self.section == "thead":
            self.header_rows.append([])
        elif tag in ("th", "td"):
            self.cell = []
            self.spans = (int(attributes.get("colspan", 1)), int(attributes.get("rowspan", 1)))
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
                self.header_rows[-1].append((text, *self.spans))
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


def column_headings(html: str, css_class: str = "report") -> list[str]:
    """Each column's headings from the top down, joined by a space (as a reader hears
    them), placing the header cells by their spans."""
    reader = _TableReader(css_class)
    reader.feed(html)
    placed: dict[tuple[int, int], str] = {}
    width = 0
    for row_index, row in enumerate(reader.header_rows):
        column = 0
        for text, colspan, rowspan in row:
            while (row_index, column) in placed:
                column += 1
            for r in range(row_index, row_index + rowspan):
                for c in range(column, column + colspan):
                    placed[(r, c)] = text
            column += colspan
            width = max(width, column)
    columns = []
    for c in range(width):
        parts: list[str] = []
        for r in range(len(reader.header_rows)):
            text = placed.get((r, c), "")
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        columns.append(" ".join(parts))
    return columns


def row_of(rows: list[list[str]], first: str) -> list[str]:
    """The body row whose first cell starts with `first`."""
    for row in rows:
        if row and row[0].startswith(first):
            return row
    raise AssertionError(f"no row starts with {first!r}: {[r[:1] for r in rows]}")
