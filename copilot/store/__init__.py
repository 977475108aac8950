"""What Copilot remembers: the history of calls (SQLite), the journal of the call in progress, and the
pattern across calls. No network, ever; everything lives in one private folder (``paths.data_dir``)."""

from copilot.store.journal import CallJournal, recover_interrupted
from copilot.store.paths import data_dir
from copilot.store.patterns import pattern
from copilot.store.store import Store

__all__ = ["CallJournal", "Store", "data_dir", "pattern", "recover_interrupted"]
