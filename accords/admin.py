from accords import admin_rules  # noqa: F401  (rule sets and funding rates)
