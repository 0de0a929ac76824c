-- Grain state for Orleans' ADO.NET grain storage (Microsoft.Orleans.Persistence.AdoNet, invariant
-- Npgsql): the table, the three named queries the provider loads from OrleansQuery at start-up, and
-- the write function behind WriteToStorageKey, which also stores a hotline grain record's pending
-- effects (outbox entries, read-model rows) in the same statement, so a change and its effects
-- commit together or not at all.

-- One row per (service, state name, grain key). version is the ETag the provider hands the grain
-- (an int4, because the provider passes and reads it as Int32); payload is the serializer's bytes,
-- null once the state was cleared: the row stays, so the version keeps counting and an ETag from
-- before the clear is still recognised as stale.
create table grain_storage (
    service_id   text        not null,
    grain_type   text        not null,
    grain_key    text        not null,
    version      integer     not null,
    payload      bytea       null,
    modified_at  timestamptz not null,
    primary key (service_id, grain_type, grain_key)
);

-- Null: an event for the bus. Otherwise a message for another grain, addressed "type/key".
alter table outbox add column target text null;

-- Where the ADO.NET providers (persistence, reminders, clustering) find their SQL.
create table if not exists OrleansQuery (
    QueryKey   varchar(64)   primary key,
    QueryText  varchar(8000) not null
);

-- The grain's key as text, rebuilt from what the provider passes. The provider takes a key of hex
-- digits for an integer key and a key of 32 hex digits for a Guid key, and then passes only the
-- numbers (GrainIdN0, GrainIdN1) and what follows a '+' (GrainIdExtensionString); a plain string key
-- arrives whole in GrainIdExtensionString with both numbers 0. Ticket ids are 32 lower-case hex
-- digits and slugs are lower case, so the rebuilt text is lower case: the key the grain was called
-- with, except for all-hex keys with leading zeros ("007" arrives as 7 and reads back as "7").
create function hotline_grain_key(n0 bigint, n1 bigint, extension text) returns text
language sql immutable parallel safe
as $$
    select case
        when n0 = 0 and n1 = 0 and extension is not null then extension
        when n0 = 0 then to_hex(n1) || coalesce('+' || extension, '')
        else lpad(to_hex(n0 & 4294967295), 8, '0')
            || lpad(to_hex((n0 >> 32) & 65535), 4, '0')
            || lpad(to_hex((n0 >> 48) & 65535), 4, '0')
            || lpad(to_hex(n1 & 255), 2, '0')
            || lpad(to_hex((n1 >> 8) & 255), 2, '0')
            || lpad(to_hex((n1 >> 16) & 255), 2, '0')
            || lpad(to_hex((n1 >> 24) & 255), 2, '0')
            || lpad(to_hex((n1 >> 32) & 255), 2, '0')
            || lpad(to_hex((n1 >> 40) & 255), 2, '0')
            || lpad(to_hex((n1 >> 48) & 255), 2, '0')
            || lpad(to_hex((n1 >> 56) & 255), 2, '0')
            || coalesce('+' || extension, '')
    end
$$;

-- Writes a grain's state if the stored version is still p_version (null: no row yet) and returns
-- the new version, or null when another activation got there first: a conflict is an answer, never
-- an error, however many activations write at once (the insert yields to a concurrent one, the
-- update re-checks the version after waiting for the row).
--
-- A payload that starts with {"pending": is a hotline grain record carrying effects: it is parsed,
-- its outbox entries and read-model changes are stored beside the state, and the state is stored
-- without them. Any other payload is stored as given, never parsed, so a plain write costs what a
-- stock write costs.
create function hotline_write_grain(
    p_service_id text,
    p_grain_type text,
    p_grain_key  text,
    p_version    integer,
    p_payload    bytea)
returns integer
language plpgsql
as $$
declare
    doc         jsonb;
    effects     jsonb;
    stored      bytea := p_payload;
    new_version integer;
begin
    -- {"pending": in UTF-8.
    if substr(p_payload, 1, 11) = '\x7b2270656e64696e67223a'::bytea then
        doc := convert_from(p_payload, 'UTF8')::jsonb;
        effects := nullif(doc -> 'pending', 'null'::jsonb);
        stored := convert_to((doc - 'pending')::text, 'UTF8');
    end if;

    if p_version is null then
        insert into grain_storage (service_id, grain_type, grain_key, version, payload, modified_at)
        values (p_service_id, p_grain_type, p_grain_key, 1, stored, now())
        on conflict (service_id, grain_type, grain_key) do nothing
        returning version into new_version;
    else
        update grain_storage
        set version = version + 1, payload = stored, modified_at = now()
        where service_id = p_service_id and grain_type = p_grain_type and grain_key = p_grain_key
          and version = p_version
        returning version into new_version;
    end if;

    if new_version is null or effects is null then
        return new_version;
    end if;

    -- In the order raised, so the relay publishes them in that order. An id already in the outbox
    -- is the same message (ids are stable), stored once.
    insert into outbox (message_id, grain_type, grain_key, message_type, payload, target, created_at)
    select (entry ->> 'id')::uuid, p_grain_type, p_grain_key, entry ->> 'type', entry -> 'payload', entry ->> 'target', now()
    from jsonb_array_elements(coalesce(nullif(effects -> 'outbox', 'null'::jsonb), '[]'::jsonb)) with ordinality as raised(entry, n)
    order by n
    on conflict (message_id) do nothing;

    -- Each change replaces the grain's row in its model, so the last change to a model wins; a
    -- change without a document removes the row.
    with changes as (
        select distinct on (change ->> 'model')
            change ->> 'model' as model,
            change ->> 'scope' as scope,
            (change ->> 'sortTime')::timestamptz as sort_time,
            nullif(change -> 'document', 'null'::jsonb) as document
        from jsonb_array_elements(coalesce(nullif(effects -> 'readModels', 'null'::jsonb), '[]'::jsonb)) with ordinality as made(change, n)
        order by change ->> 'model', n desc
    ), removed as (
        delete from read_models r
        using changes c
        where c.document is null and r.model = c.model and r.grain_key = p_grain_key
    )
    insert into read_models (model, grain_key, scope, sort_time, doc, updated_at)
    select model, p_grain_key, scope, sort_time, document, now()
    from changes
    where document is not null
    on conflict (model, grain_key) do update
    set scope = excluded.scope, sort_time = excluded.sort_time, doc = excluded.doc, updated_at = excluded.updated_at;

    return new_version;
end;
$$;

-- The provider's contract: parameters @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
-- @GrainTypeString (the state name), @GrainIdExtensionString, @ServiceId, @GrainStateVersion and
-- @PayloadBinary; the hashes are not needed, the key being stored whole. Read returns PayloadBinary
-- and Version; write returns NewGrainStateVersion (null: conflict); clear returns the new version
-- in its first column (null: conflict), always as one row, because the provider takes "no row" for
-- success. Clear keeps the row with no payload (DeleteStateOnClear is not offered).
insert into OrleansQuery (QueryKey, QueryText) values
('ReadFromStorageKey', '
    select payload as "PayloadBinary", version as "Version"
    from grain_storage
    where service_id = @ServiceId and grain_type = @GrainTypeString
      and grain_key = hotline_grain_key(@GrainIdN0, @GrainIdN1, @GrainIdExtensionString)
'),
('WriteToStorageKey', '
    select hotline_write_grain(
        @ServiceId, @GrainTypeString, hotline_grain_key(@GrainIdN0, @GrainIdN1, @GrainIdExtensionString),
        @GrainStateVersion, @PayloadBinary) as "NewGrainStateVersion"
'),
('ClearStorageKey', '
    with cleared as (
        update grain_storage
        set version = version + 1, payload = null, modified_at = now()
        where service_id = @ServiceId and grain_type = @GrainTypeString
          and grain_key = hotline_grain_key(@GrainIdN0, @GrainIdN1, @GrainIdExtensionString)
          and version = @GrainStateVersion
        returning version
    )
    select (select version from cleared) as "Version"
')
on conflict (QueryKey) do update set QueryText = excluded.QueryText;
