-- The history database, as an ordered list of migrations.
--
-- Each block starting with "-- migration N: ..." moves the database from user_version N-1 to N.
-- Blocks are applied in order, each in its own transaction together with PRAGMA user_version = N.
-- Never edit a released block: add a new one below it.

-- migration 1: calls and their utterances
CREATE TABLE calls (
    id                  INTEGER PRIMARY KEY,
    started_at          TEXT    NOT NULL,                 -- ISO 8601, local time, to the second
    source              TEXT    NOT NULL,                 -- "live", "demo", or the analyzed file
    vertical            TEXT    NOT NULL DEFAULT 'sales',
    status              TEXT    NOT NULL DEFAULT 'complete'
                                CHECK (status IN ('complete', 'interrupted', 'in_progress')),
    next_steps_secured  INTEGER CHECK (next_steps_secured IN (0, 1)),   -- NULL: no verdict
    commitment_level    INTEGER CHECK (commitment_level BETWEEN 1 AND 5),
    reason              TEXT,
    verdict_json        TEXT,                             -- the verdict of DESIGN.md, without utterances
    audio_path          TEXT,
    journal_id          TEXT UNIQUE,                      -- the journal it came from: recovery runs once
    created_at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX calls_by_start ON calls (started_at DESC, id DESC);

CREATE TABLE utterances (
    call_id  INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    idx      INTEGER NOT NULL,
    speaker  TEXT    NOT NULL CHECK (speaker IN ('rep', 'prospect')),
    start    REAL    NOT NULL,
    "end"    REAL    NOT NULL,
    text     TEXT    NOT NULL,
    PRIMARY KEY (call_id, idx)
) WITHOUT ROWID;

-- migration 2: criteria, stages and coaching moments as rows, for the pattern across calls
CREATE TABLE findings (
    call_id  INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL CHECK (kind IN ('criterion', 'stage')),
    name     TEXT    NOT NULL,
    met      INTEGER NOT NULL CHECK (met IN (0, 1)),
    PRIMARY KEY (call_id, kind, name)
) WITHOUT ROWID;

CREATE TABLE coaching (
    call_id   INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    idx       INTEGER NOT NULL,
    t         REAL,
    kind      TEXT    NOT NULL DEFAULT 'Improvement',
    category  TEXT    NOT NULL,
    message   TEXT    NOT NULL,
    "try"     TEXT,
    PRIMARY KEY (call_id, idx)
) WITHOUT ROWID;

-- calls recorded before this migration: their verdicts already hold the findings
INSERT INTO findings (call_id, kind, name, met)
SELECT c.id, 'criterion', j.key, CASE WHEN json_extract(j.value, '$.met') THEN 1 ELSE 0 END
  FROM calls AS c, json_each(CASE WHEN json_valid(c.verdict_json) THEN c.verdict_json ELSE '{}' END, '$.criteria') AS j
 WHERE json_valid(c.verdict_json) AND json_type(c.verdict_json, '$.criteria') = 'object';

INSERT INTO findings (call_id, kind, name, met)
SELECT c.id, 'stage', j.key, CASE WHEN json_extract(j.value, '$.met') THEN 1 ELSE 0 END
  FROM calls AS c, json_each(CASE WHEN json_valid(c.verdict_json) THEN c.verdict_json ELSE '{}' END, '$.stages') AS j
 WHERE json_valid(c.verdict_json) AND json_type(c.verdict_json, '$.stages') = 'object';

INSERT INTO coaching (call_id, idx, t, kind, category, message, "try")
SELECT c.id, j.key, json_extract(j.value, '$.t'),
       coalesce(json_extract(j.value, '$.kind'), 'Improvement'),
       coalesce(json_extract(j.value, '$.category'), ''),
       coalesce(json_extract(j.value, '$.message'), ''),
       json_extract(j.value, '$.try')
  FROM calls AS c, json_each(CASE WHEN json_valid(c.verdict_json) THEN c.verdict_json ELSE '{}' END, '$.coaching') AS j
 WHERE json_valid(c.verdict_json) AND json_type(c.verdict_json, '$.coaching') = 'array';

-- migration 3: the follow-ups each call leaves (recap, materials, confirmation, follow-up), due, done or snoozed
-- (calls recorded before this migration get none: their cadence is in the past)
CREATE TABLE followups (
    id            INTEGER PRIMARY KEY,
    call_id       INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    idx           INTEGER NOT NULL,                      -- its place among the call's follow-ups
    kind          TEXT    NOT NULL CHECK (kind IN ('recap', 'materials', 'confirmation', 'follow_up')),
    due           TEXT    NOT NULL,                      -- ISO 8601, local time, to the second; a snooze moves it
    original_due  TEXT    NOT NULL,                      -- the due time the call gave it
    what          TEXT    NOT NULL,
    done          INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    done_at       TEXT,
    UNIQUE (call_id, idx)
);
CREATE INDEX followups_by_due ON followups (done, due, id);
