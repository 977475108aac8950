"""Speech to text: model resolution, voice-activity segmentation, the transcriber, endpointing, the live pipeline."""
