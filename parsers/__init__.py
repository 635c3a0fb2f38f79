"""Built-in page-format parsers, one module per format; registered as entry points."""
