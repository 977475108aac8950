"""Who spoke when in a mono recording: a speaker-embedding model in numpy, two-voice grouping, the rep's voice.

One stage of the data flow, between segmentation and transcription (copilot.asr.recording): speech spans in,
pieces with a voice (0 or 1) and a confidence out; which voice is the rep is decided after transcription
(a stored voice profile, else who proposes and asks more). Qt-free; the model runs on numpy alone.
"""
