"""webrtcvad comes from the ``webrtcvad-wheels`` distribution; the stock hook asks for ``webrtcvad``'s
metadata and fails. This hook takes precedence and copies the metadata that is really installed."""

from PyInstaller.utils.hooks import copy_metadata

try:
    datas = copy_metadata("webrtcvad-wheels")
except Exception:  # noqa: BLE001 - the plain webrtcvad distribution
    datas = copy_metadata("webrtcvad")
