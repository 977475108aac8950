"""The call service: one Qt-free place where a call is put together (config, model, journal, pipeline, coach).

Public API::

    from copilot.call import CallService, Config, build_config
    service = CallService(build_config(data_dir=..., vertical=...))
    call = service.start_live(sink)          # or start_replay(path, speed, sink)
    call.wait(); call.verdict
"""

from copilot.call.config import Config, build_config, check_vertical
from copilot.call.service import AnalyzedCall, CallService, History, RecoveredCall, RunningCall, call_started_at
from copilot.call.settings import AppSettings, load_settings, save_settings
from copilot.store.records import CallSummary, StoredCall

__all__ = ["AnalyzedCall", "AppSettings", "CallService", "CallSummary", "Config", "History", "RecoveredCall",
           "RunningCall", "StoredCall", "build_config", "call_started_at", "check_vertical", "load_settings",
           "save_settings"]
