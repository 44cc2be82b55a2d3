"""Open data as a Frictionless Data Package: normalised CSV tables of every published plan,
each with a Table Schema (types, units, constraints, primary and foreign keys), keyed by
全国地方公共団体コード, under CC BY 4.0.

- `tables`: the tables and their fields, in Japanese and English (the field reference page
  and the schemas are both written from them).
- `package`: a plan's (or the whole country's) published content as rows, and the package
  as a zip file, written one plan at a time in bounded memory.
"""
