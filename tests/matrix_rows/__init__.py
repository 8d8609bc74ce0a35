"""Permission-matrix rows kept beside their feature; collected by tests/test_permissions.py.

A module here defines ROWS: [(url name, url builder taking the cast's bloc_year, {role: status})]
and may define POST_ONLY: [url names reached only by POST, tested with the feature's views].
Builders may use the helpers of tests/test_permissions.py (everyone, staff_only, ...) by importing
them inside a function, or define their own.
"""
