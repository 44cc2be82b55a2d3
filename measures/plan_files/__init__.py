"""Plan files: the plan document (docs/data-format.md) and its spreadsheet template
(docs/import-template.md), read into the database and written from it.

- `formats`: which reader or writer a file needs (xlsx, zip of CSV tables, JSON).
- `workbook`: the template's sheets and columns, and tables ⇄ plan document.
- `shape`, `limits`: what a file may hold before anything of it is read.
- `importing`: the plan document into the database, one reader per part of the document.
- `exporting`: a plan as a plan document (open data, published reports, exports).
- `uploads`, `admin`: the admin's upload, preview and confirmation.
"""
