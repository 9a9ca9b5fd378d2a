"""One home for the care-history rules: what is true about a child on a date.

Every page, export, API route, the audit queue, insights, the sign-off gates and the 903
checks ask these modules; none keeps a copy of a rule. Each rule is a pure function over
plain records (testable on both sides of every edge through the clock) and, where a surface
filters or counts by it in the database, a matching SQL form beside it. Paired property
tests (`children/tests/test_care_pairs.py`) hold the two forms to the same answers over
generated histories.

- `dates`: add_months, one_year_before, working days, age, birthdays (and their SQL forms);
- `periods`: episodes open on a date, looked after, leaving care, periods of care, the
  tracker's membership;
- `exits`: exit codes (SGO, adoption, ...), routes, re-entry within 12 calendar months;
- `proceedings`: open on a date, the 26-week limit (care and supervision only) and its
  extensions, the next hearing;
- `plans`: the permanence plan (and parallel plan) in force on a date;
- `reviews`: the review schedule that applies (ordinary, short breaks, placed for adoption)
  and when the next (and the second) review is due;
- `sgo`: the assessment of the planned carer, the support plan, broken-down orders and where
  a child stands on the way to an order;
- `history`: all of them together for one child at a date (`facts_at`).

ADR 0006 records why the rules live here and how the tracker stays fast with them.
"""
