"""The run's configuration: built once, command line > environment > saved settings, canonical and checked."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from copilot.call import AppSettings, Config, build_config, check_vertical, save_settings
from copilot.errors import UsageError


def test_the_command_line_folder_wins_over_the_environment(tmp_path: Path) -> None:
    config = build_config(data_dir=tmp_path / "flag", environ={"COPILOT_HOME": str(tmp_path / "env")})
    assert config.home == tmp_path / "flag" and config.data_dir == tmp_path / "flag"
    assert not (tmp_path / "env").exists() and not (tmp_path / "flag").exists()  # building it creates nothing


def test_the_environment_folder_when_no_flag(tmp_path: Path) -> None:
    for flag in (None, ""):
        config = build_config(data_dir=flag, environ={"COPILOT_HOME": str(tmp_path / "env")})
        assert config.home == tmp_path / "env" == config.data_dir


def test_the_platform_folder_when_neither(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr("sys.platform", "linux")
    assert build_config(environ={}).home == tmp_path / "xdg" / "call-copilot"


def test_the_process_environment_is_read_here_and_only_when_not_given(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPILOT_HOME", str(tmp_path / "process"))
    monkeypatch.setenv("COPILOT_ALLOW_DOWNLOAD", "1")
    from_process = build_config()
    assert from_process.home == tmp_path / "process" and from_process.allow_download
    given = build_config(environ={"COPILOT_HOME": str(tmp_path / "given")})
    assert given.home == tmp_path / "given" and not given.allow_download


@pytest.mark.parametrize("value,allowed", [("1", True), ("0", False), ("yes", False), ("", False)])
def test_downloads_only_when_the_environment_says_1(tmp_path: Path, value: str, allowed: bool) -> None:
    config = build_config(data_dir=tmp_path, environ={"COPILOT_ALLOW_DOWNLOAD": value})
    assert config.allow_download is allowed


def test_saved_settings_fill_what_the_command_line_leaves_open(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    save_settings(home, AppSettings(mic="USB mic", system_source="speakers.monitor", model="base.en",
                                    planned_minutes=45, vertical="recruiting", data_dir=str(tmp_path / "elsewhere"),
                                    keep_audio=True))
    saved = build_config(data_dir=home, environ={})
    assert saved.home == home and saved.data_dir == tmp_path / "elsewhere"  # settings.json stays at home
    assert (saved.mic, saved.system_source, saved.model, saved.planned_minutes, saved.vertical, saved.keep_audio) == \
        ("USB mic", "speakers.monitor", "base.en", 45, "recruiting", True)
    flags = build_config(data_dir=home, environ={}, mic="Headset", system_source="other.monitor", model="tiny.en",
                         vertical="sales", planned_minutes=20, cpu_threads=3)
    assert (flags.mic, flags.system_source, flags.model, flags.planned_minutes, flags.vertical, flags.cpu_threads) == \
        ("Headset", "other.monitor", "tiny.en", 20, "sales", 3)
    assert flags.data_dir == tmp_path / "elsewhere"  # no flag moves the history away from the chosen folder


def test_settings_given_are_used_instead_of_the_saved_ones(tmp_path: Path) -> None:
    save_settings(tmp_path, AppSettings(planned_minutes=45))
    config = build_config(data_dir=tmp_path, environ={}, settings=AppSettings(planned_minutes=60))
    assert config.planned_minutes == 60


def test_defaults(tmp_path: Path) -> None:
    config = build_config(data_dir=tmp_path, environ={})
    assert (config.vertical, config.planned_minutes, config.cpu_threads, config.keep_audio, config.save) == \
        ("sales", 30, 1, False, True)
    assert config.model == "tiny.en"  # the saved settings' default model


@pytest.mark.parametrize("given,canonical", [
    ("cs", "customer_success"), ("CS", "customer_success"), ("customer-success", "customer_success"),
    ("customer_success", "customer_success"), ("itsd", "it_service_desk"), ("realestate", "real_estate"),
    ("Real Estate", "real_estate"), ("recruiting", "recruiting"), ("sales", "sales"), (None, "sales"),
])
def test_the_vertical_is_canonical(tmp_path: Path, given: str | None, canonical: str) -> None:
    assert check_vertical(given) == canonical
    if given is not None:
        assert build_config(data_dir=tmp_path, environ={}, vertical=given).vertical == canonical


@pytest.mark.parametrize("bad", ["astrology", "common", "cs2"])
def test_an_unknown_vertical_is_bad_usage_naming_the_known_ones(tmp_path: Path, bad: str) -> None:
    with pytest.raises(UsageError) as err:
        build_config(data_dir=tmp_path, environ={}, vertical=bad)
    assert repr(bad) in str(err.value)
    assert all(v in str(err.value) for v in ("sales", "recruiting", "customer_success", "real_estate",
                                            "it_service_desk"))


@pytest.mark.parametrize("kwargs,needle", [
    ({"cpu_threads": 0}, "--threads"), ({"cpu_threads": 17}, "--threads"),
    ({"planned_minutes": 4}, "--planned-minutes"), ({"planned_minutes": 241}, "--planned-minutes"),
])
def test_out_of_range_numbers_are_bad_usage(tmp_path: Path, kwargs: dict[str, int], needle: str) -> None:
    with pytest.raises(UsageError, match=needle):
        build_config(data_dir=tmp_path, environ={}, **kwargs)


def test_the_config_is_frozen_and_changed_settings_make_a_new_one(tmp_path: Path) -> None:
    config = build_config(data_dir=tmp_path, environ={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.vertical = "recruiting"  # type: ignore[misc]
    moved = config.with_settings(AppSettings(vertical="customer_success", planned_minutes=15,
                                             data_dir=str(tmp_path / "moved"), model="base.en", keep_audio=True))
    assert isinstance(moved, Config) and moved is not config
    assert (moved.home, moved.data_dir, moved.vertical, moved.planned_minutes, moved.model, moved.keep_audio) == \
        (tmp_path, tmp_path / "moved", "customer_success", 15, "base.en", True)
    assert config.with_settings(AppSettings()).data_dir == tmp_path  # no folder chosen: back to home


def test_calendars_working_hours_names_and_vocabulary_come_from_the_settings_unless_given(tmp_path: Path) -> None:
    from datetime import time

    save_settings(tmp_path, AppSettings(calendars=("~/cal/work.ics", str(tmp_path / "more")), work_start="08:30",
                                        work_end="16:00", meeting_minutes=45, days_ahead=10, rep_name="Dana Lee",
                                        vocabulary="Northwind, Zendesk", auto_start="ask"))
    config = build_config(data_dir=tmp_path, environ={})
    assert config.calendars == (Path("~/cal/work.ics").expanduser(), tmp_path / "more")
    hours = config.working_hours
    assert (hours.start, hours.end, hours.meeting_minutes, hours.days_ahead) == (time(8, 30), time(16), 45, 10)
    assert (config.rep_name, config.vocabulary, config.auto_start) == ("Dana Lee", "Northwind, Zendesk", "ask")
    given = build_config(data_dir=tmp_path, environ={}, calendars=[tmp_path / "x.ics"], rep_name="Sam",
                         vocabulary="Acme")
    assert (given.calendars, given.rep_name, given.vocabulary) == ((tmp_path / "x.ics",), "Sam", "Acme")


@pytest.mark.parametrize("bad", [{"work_start": "17:00", "work_end": "09:00"}, {"work_start": "nine"},
                                 {"meeting_minutes": 0}, {"days_ahead": 400}, {"calendars": "work.ics"},
                                 {"auto_start": "always"}, {"rep_name": "   "}])
def test_damaged_settings_fall_back_to_the_defaults_field_by_field(bad: dict[str, object]) -> None:
    settings = AppSettings.from_dict({"model": "base.en", **bad})
    assert settings.model == "base.en"
    default = AppSettings()
    for name in bad:
        assert getattr(settings, name) == getattr(default, name) or (name.startswith("work_") and (
            settings.work_start, settings.work_end) == ("09:00", "17:00"))
