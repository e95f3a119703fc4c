"""Writing or checking a golden case's files, shared by the oracles in this folder.

Only file handling lives here; each oracle computes its expected outputs on its own.
"""

import os


def sync(path, text, check):
    """Writes `text` to `path`, or with `check` compares them and reports a difference.

    Returns True when the file on disk is (now) equal to `text`.
    """
    if not check:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return True
    try:
        with open(path) as f:
            same = f.read() == text
    except OSError:
        same = False
    if not same:
        print("differs: %s" % path)
    return same
