-- Orleans' reminder table (IReminderTable, see src/Silo/Reminders/SqliteReminderTable.cs) for the
-- embedded default; the project's own "reminders" table stays with the old runtime until it goes.
-- One row per reminder of a grain in a service (ClusterOptions.ServiceId).
--   grain_hash: the grain's uniform hash, 0 .. 2^32-1 as Orleans hands it out (uint), so silos can
--               read the reminders of their slice of the ring with plain comparisons.
--   start_time: Unix milliseconds, UTC, like every time the project stores in SQLite.
--   id:         the row's ETag. Every upsert replaces the row and AUTOINCREMENT never hands an id out
--               twice, so a reminder removed and registered again never takes back an ETag that a
--               stale handle may still hold (a plain per-row counter would start over at the same value).
create table orleans_reminders (
    id             integer primary key autoincrement,
    service_id     text    not null,
    grain_id       text    not null,
    reminder_name  text    not null,
    grain_hash     integer not null check (grain_hash between 0 and 4294967295),
    start_time     integer not null,
    period_ms      integer not null check (period_ms >= 0),
    unique (service_id, grain_id, reminder_name)
);
create index orleans_reminders_ring on orleans_reminders (service_id, grain_hash);
