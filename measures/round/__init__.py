"""The yearly round: opening a fiscal year, department entries, the reform office's review,
computed grades and publication.

- `services`: every write of the round, in one transaction each.
- `forms`, `views`, `urls`: the department staff's pages.
- `review_admin`, `publish_admin`: the reform office's review queue, rounds, and the
  preview and confirmation of a publication in the admin.
- `grading`: the grade an entry's indicators suggest.
"""
