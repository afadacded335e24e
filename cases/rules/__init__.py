"""The rules engine: checks a plan against a dated rule set (DOMAIN.md §7).

Pure code: no database access. Callers resolve the rule set, the certification listing and
the funding rate, then call `engine.check_plan`, `deadlines.plan_deadlines` and
`funding.estimate`.
"""
