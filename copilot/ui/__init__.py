"""The desktop app: PySide6 widgets on top of the Qt-free core.

Only this package imports Qt. The core publishes plain events (``copilot.session.events``); one
bridge object (``bridge.EventBridge``) turns them into Qt signals on the GUI thread; one model
(``model.CallModel``) keeps what the window shows; widgets take that model and render it.
"""

import PySide6 as _pyside

from copilot.ui.compat import keep_none_alive as _keep_none_alive

_keep_none_alive(_pyside.__version__)
