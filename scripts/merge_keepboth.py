"""Resolve git conflict hunks by keeping ours, then theirs (for merging parallel branches that
each added lines to the same list: INSTALLED_APPS, urls, the access table). Read the result.

    scripts/merge_keepboth.py FILE...
"""

import re
import sys

HUNK = re.compile(r"^<<<<<<< [^\n]*\n(.*?)(?:^\|\|\|\|\|\|\| [^\n]*\n.*?)?^=======\n(.*?)^>>>>>>> [^\n]*\n", re.S | re.M)

for path in sys.argv[1:]:
    with open(path) as handle:
        text = handle.read()
    merged, count = HUNK.subn(lambda m: m.group(1) + m.group(2), text)
    with open(path, "w") as handle:
        handle.write(merged)
    print(f"{path}: {count} hunks")
