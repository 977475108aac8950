"""The account's action plan on disk: ``<data_dir>/action_plans/<account-slug>.json``, written atomically.

Kept beside the history rather than in it, so a plan needs no schema change and a rep can read, back up or
delete one account's plan on its own. ``carry_forward`` is what the call service runs when a call with a known
account ends: read the account's plan, merge this call's rows in, write it back.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from copilot.actionplan.plan import ActionPlan, account_slug, merge
from copilot.errors import InputError
from copilot.export.atomic import write_atomic

log = logging.getLogger(__name__)

FOLDER = "action_plans"


def plan_path(data_dir: Path | str, account: str) -> Path:
    return Path(data_dir) / FOLDER / f"{account_slug(account)}.json"


def load_plan(data_dir: Path | str, account: str) -> ActionPlan | None:
    """The account's stored plan, or None when it has none; a damaged file is one ``InputError`` line."""
    path = plan_path(data_dir, account)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"cannot read the action plan {path}: {exc.strerror or exc}") from None
    try:
        return ActionPlan.from_json(json.loads(text))
    except json.JSONDecodeError as exc:
        raise InputError(f"the action plan {path} is damaged: {exc.msg} at line {exc.lineno}") from None


def save_plan(data_dir: Path | str, plan: ActionPlan) -> Path:
    """Write the plan under its account's name (atomically: a crash leaves the old plan or the new one)."""
    path = plan_path(data_dir, plan.account)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, json.dumps(plan.to_json(), indent=2, ensure_ascii=False) + "\n")


def carry_forward(data_dir: Path | str, call_plan: ActionPlan, started_at: datetime | None = None) -> ActionPlan:
    """Merge one call's plan into its account's stored plan and save it; return the account's plan.

    Without an account name the call's plan is returned as it is and nothing is stored.
    """
    if not call_plan.account.strip():
        return call_plan
    earlier = load_plan(data_dir, call_plan.account)
    plan = merge(earlier, call_plan, later_started=started_at) if earlier is not None else call_plan
    save_plan(data_dir, plan)
    log.info("action plan for %r: %d steps, %d risks", plan.account, len(plan.steps), len(plan.risks))
    return plan
