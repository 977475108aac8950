"""``copilot voice``: the rep's voice profile, which tells the rep apart in a mono recording.

``enroll [FILE | --seconds N]`` makes it from a recording of the rep speaking or from the microphone;
``show`` says whether there is one and what it rests on; ``forget`` deletes it. The profile lives in the data
folder; stereo recordings analysed there keep it up to date from their microphone channel.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from copilot.errors import UsageError

if TYPE_CHECKING:
    from copilot.call import Config
    from copilot.diarize.profile import VoiceProfileStore


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("voice", help="the rep's voice profile (tells the rep apart in mono recordings)",
                       description="Enrol, show or forget the rep's voice profile, kept in the data folder, which "
                                   "says which voice is the rep in a mono recording.")
    actions = p.add_subparsers(dest="voice_action", metavar="{enroll,show,forget}")
    enroll = actions.add_parser("enroll", help="make the profile from a recording of the rep, or the microphone",
                                description="Make the profile from FILE (the rep speaking alone; a stereo file's "
                                            "channel 0), or record --seconds from the default microphone.")
    enroll.add_argument("file", nargs="?", help="a recording of the rep speaking")
    enroll.add_argument("--seconds", type=int, metavar="N", help="record N seconds from the microphone (default 20)")
    enroll.add_argument("--mic", metavar="DEVICE", help="the microphone to record from (default: the system's)")
    show = actions.add_parser("show", help="whether there is a profile and what it rests on")
    show.add_argument("--json", action="store_true", help="print it as one JSON object")
    actions.add_parser("forget", help="delete the profile")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from copilot.call import build_config
    from copilot.diarize.profile import VoiceProfileStore

    action = getattr(args, "voice_action", None)
    if action is None:
        raise UsageError("say what to do: copilot voice enroll|show|forget")
    config = build_config(data_dir=args.data_dir, mic=getattr(args, "mic", None))
    store = VoiceProfileStore(config.data_dir)
    if action == "enroll":
        return _enroll(args, store, config)
    if action == "forget":
        print("voice profile deleted" if store.forget() else "there was no voice profile")
        return 0
    profile = store.load()
    if args.json:
        out = {"path": str(store.path), "enrolled": profile is not None}
        if profile is not None:
            out.update(seconds=round(profile.seconds, 1), updated=profile.updated)
        sys.stdout.write(json.dumps(out) + "\n")
    elif profile is None:
        print(f"no voice profile (it would be {store.path}); make one with: copilot voice enroll")
    else:
        print(f"voice profile {store.path}: {profile.seconds:.0f} s of the rep's speech, updated {profile.updated}")
    return 0


def _enroll(args: argparse.Namespace, store: VoiceProfileStore, config: Config) -> int:
    from copilot.call import CallService
    from copilot.diarize.enrol import MAX_RECORD_S, MIN_RECORD_S, enrol_file

    if args.file and args.seconds is not None:
        raise UsageError("give a FILE or --seconds, not both")
    if args.file:
        profile = enrol_file(store, Path(args.file))
    else:
        seconds = 20 if args.seconds is None else args.seconds
        if not MIN_RECORD_S <= seconds <= MAX_RECORD_S:
            raise UsageError(f"--seconds must be between {MIN_RECORD_S} and {MAX_RECORD_S}")
        sys.stderr.write(f"Recording {seconds} s from the microphone: speak as you would on a call…\n")
        status = CallService(config).enrol_voice(seconds)  # the same as Settings' "Record 20 s"
        print(f"voice profile saved to {store.path} ({status.seconds:.0f} s of speech)")
        return 0
    print(f"voice profile saved to {store.path} ({profile.seconds:.0f} s of speech)")
    return 0
