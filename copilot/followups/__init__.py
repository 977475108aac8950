"""What the rep owes after a call, and by when: the recap, the materials promised, the confirmation before the
next meeting and the follow-up if nothing came back (issue 11, item 5).

Qt-free and store-free: ``followups_for`` derives a call's follow-ups from its verdict and transcript; the store
keeps them (``copilot.store``) and the CLI, the window and the ``.ics`` export show them.
"""

from copilot.followups.cadence import followups_for
from copilot.followups.model import KINDS, FollowUp, StoredFollowUp, relative_due

__all__ = ["KINDS", "FollowUp", "StoredFollowUp", "followups_for", "relative_due"]
