"""The published progress report: what a year's report holds (from its frozen content
only), the layout the reform office chose for it, and its PDF and xlsx files."""
