-- Grain state for the hotline's own Orleans grain storage provider on SQLite
-- (HotlineGrains.Silo.Persistence.SqliteGrainStorage), which stores a grain record's pending
-- effects (outbox entries, read-model rows) in the same transaction as the state.

-- One row per (service, state name, grain key). version is the ETag handed to the grain; payload is
-- the serializer's bytes as a blob, exactly as written, null once the state was cleared: the row
-- stays, so the version keeps counting and an ETag from before the clear is still recognised as
-- stale. Times are Unix milliseconds (UTC).
create table grain_storage (
    service_id   text    not null,
    grain_type   text    not null,
    grain_key    text    not null,
    version      integer not null,
    payload      blob    null,
    modified_at  integer not null,
    primary key (service_id, grain_type, grain_key)
) without rowid;

-- Null: an event for the bus. Otherwise a message for another grain, addressed "type/key".
alter table outbox add column target text null;
