"""The import template: a plan document as tables, for Excel (xlsx) and CSV (docs/import-template.md).

- `template`: the sheets and their columns, and the template's reference.
- `writing`: a plan document as tables.
- `reading`: tables as a plan document, one reader per sheet.
- `files`: the tables as xlsx and CSV files, read defensively and written safely.
"""
