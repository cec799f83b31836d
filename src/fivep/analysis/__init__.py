"""Analysis: demographics, code frequencies by group, crosstabs, co-occurrence."""
