"""Writing a theme build's answer: every complaint's new theme, in set-based statements.

One UPDATE per theme and slice of ``IN_LIST`` ids (the ids of one theme come in order, so each slice
walks the table's primary key forwards), instead of one UPDATE per complaint: a million complaints
are some hundred statements, not a million executions of one.
"""

import numpy as np
from sqlalchemy import update

from workbench.complaint_import.models import Complaint
from workbench.extensions import db

IN_LIST = 10_000  # ids per statement: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters


def store_assignment(ids: np.ndarray, theme_ids: np.ndarray) -> None:
    """Give complaint ``ids[i]`` the theme ``theme_ids[i]`` (0: leave it alone), bumping its version."""
    order = np.lexsort((ids, theme_ids))
    ids, theme_ids = ids[order], theme_ids[order]
    starts = np.flatnonzero(np.concatenate(([True], theme_ids[1:] != theme_ids[:-1])))
    ends = np.append(starts[1:], len(ids))
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        theme_id = int(theme_ids[start])
        if not theme_id:
            continue
        for first in range(start, end, IN_LIST):
            chunk = ids[first : min(end, first + IN_LIST)].tolist()
            db.session.execute(
                update(Complaint).where(Complaint.id.in_(chunk)).values(theme_id=theme_id, version=Complaint.version + 1),
                execution_options={"synchronize_session": False},
            )
