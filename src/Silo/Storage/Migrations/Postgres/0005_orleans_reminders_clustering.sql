-- Orleans' ADO.NET reminder table (Microsoft.Orleans.Reminders.AdoNet) and membership table
-- (Microsoft.Orleans.Clustering.AdoNet) on PostgreSQL, Invariant "Npgsql". The providers run no SQL
-- of their own: at start they read every statement they use from OrleansQuery by key, then bind
-- parameters by name (@ServiceId, @GrainHash, ...) and read result columns by name ("GrainId",
-- "Version", ...). The keys, parameters and columns below are the 10.4.2 providers' contract.

-- Migration 0004 (grain storage) creates this table too; whichever runs first creates it.
create table if not exists OrleansQuery (
    QueryKey  varchar(64)   primary key,
    QueryText varchar(8000) not null
);

----------------------------------------------------------------------------------------------------
-- Reminders: one row per reminder of a grain in a service (ClusterOptions.ServiceId).
--
-- grain_hash is the grain's uniform hash as Orleans means it: a uint, 0 .. 2^32-1, stored as bigint.
-- The provider binds hashes as a C# int (a uint cast to int: 2^31 and above arrive negative), so
-- every query turns them back with "& 4294967295". It also picks ReadRangeRows1Key or
-- ReadRangeRows2Key by comparing begin and end as signed ints, which is only the right choice when
-- the table compares them as signed ints too; since this table compares them as unsigned, both keys
-- hold one query that decides for itself whether the range wraps.
--
-- version is the ETag: the next value of a sequence on every upsert, not a per-row counter, so a
-- reminder removed and registered again never takes back an ETag that a stale handle may still hold.
create sequence orleans_reminder_etags as integer cycle;

create table orleans_reminders (
    service_id     text        not null,
    grain_id       text        not null,
    reminder_name  text        not null,
    grain_hash     bigint      not null check (grain_hash between 0 and 4294967295),
    start_time     timestamptz not null,
    period_ms      bigint      not null,
    version        integer     not null,
    primary key (service_id, grain_id, reminder_name)
);
create index orleans_reminders_ring on orleans_reminders (service_id, grain_hash);

insert into OrleansQuery (QueryKey, QueryText) values
('UpsertReminderRowKey', $q$
    insert into orleans_reminders as r (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
    values (@ServiceId, @GrainId, @ReminderName, @GrainHash::bigint & 4294967295, @StartTime, @Period::bigint,
            nextval('orleans_reminder_etags'))
    on conflict (service_id, grain_id, reminder_name) do update
        set grain_hash = excluded.grain_hash,
            start_time = excluded.start_time,
            period_ms = excluded.period_ms,
            version = excluded.version
    returning r.version as "Version"
$q$),
('ReadReminderRowsKey', $q$
    select grain_id as "GrainId", reminder_name as "ReminderName", start_time as "StartTime",
           period_ms as "Period", version as "Version"
    from orleans_reminders
    where service_id = @ServiceId and grain_id = @GrainId
$q$),
('ReadReminderRowKey', $q$
    select grain_id as "GrainId", reminder_name as "ReminderName", start_time as "StartTime",
           period_ms as "Period", version as "Version"
    from orleans_reminders
    where service_id = @ServiceId and grain_id = @GrainId and reminder_name = @ReminderName
$q$),
('ReadRangeRows1Key', $q$
    select r.grain_id as "GrainId", r.reminder_name as "ReminderName", r.start_time as "StartTime",
           r.period_ms as "Period", r.version as "Version"
    from orleans_reminders r,
         (select @BeginHash::bigint & 4294967295 as b, @EndHash::bigint & 4294967295 as e) ring
    where r.service_id = @ServiceId
      and case when ring.b < ring.e then r.grain_hash > ring.b and r.grain_hash <= ring.e
               else r.grain_hash > ring.b or r.grain_hash <= ring.e end
$q$),
('ReadRangeRows2Key', $q$
    select r.grain_id as "GrainId", r.reminder_name as "ReminderName", r.start_time as "StartTime",
           r.period_ms as "Period", r.version as "Version"
    from orleans_reminders r,
         (select @BeginHash::bigint & 4294967295 as b, @EndHash::bigint & 4294967295 as e) ring
    where r.service_id = @ServiceId
      and case when ring.b < ring.e then r.grain_hash > ring.b and r.grain_hash <= ring.e
               else r.grain_hash > ring.b or r.grain_hash <= ring.e end
$q$),
('DeleteReminderRowKey', $q$
    with removed as (
        delete from orleans_reminders
        where service_id = @ServiceId and grain_id = @GrainId and reminder_name = @ReminderName
          and version = @Version
        returning 1)
    select exists (select 1 from removed)
$q$),
('DeleteReminderRowsKey', $q$
    delete from orleans_reminders where service_id = @ServiceId
$q$);

----------------------------------------------------------------------------------------------------
-- Membership: per cluster (@DeploymentId is ClusterOptions.ClusterId) one version row and one row
-- per silo incarnation (address, port, generation). Every change of a silo row must find the version
-- the writer read and move it on by one, in the same statement: the version row is locked first
-- (FOR UPDATE re-checks the version once a concurrent writer commits), so of two racing writers one
-- wins and the other gets false, never an exception. status holds Orleans' SiloStatus
-- (3 Active, 6 Dead); times are UTC.
create table orleans_membership_versions (
    cluster_id  text        primary key,
    version     integer     not null default 0,
    changed_at  timestamptz not null default now()
);

create table orleans_membership (
    cluster_id       text        not null references orleans_membership_versions (cluster_id) on delete cascade,
    address          text        not null,
    port             integer     not null,
    generation       integer     not null,
    silo_name        text        not null,
    host_name        text        not null,
    status           integer     not null,
    proxy_port       integer     not null,
    suspect_times    text        null,
    start_time       timestamptz not null,
    i_am_alive_time  timestamptz not null,
    primary key (cluster_id, address, port, generation)
);

insert into OrleansQuery (QueryKey, QueryText) values
('InsertMembershipVersionKey', $q$
    with created as (
        insert into orleans_membership_versions (cluster_id) values (@DeploymentId)
        on conflict (cluster_id) do nothing
        returning 1)
    select exists (select 1 from created)
$q$),
('InsertMembershipKey', $q$
    with expected as (
        select cluster_id from orleans_membership_versions
        where cluster_id = @DeploymentId and version = @Version
        for update),
    inserted as (
        insert into orleans_membership (cluster_id, address, port, generation, silo_name, host_name, status,
                                        proxy_port, start_time, i_am_alive_time)
        select cluster_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
               @ProxyPort, @StartTime, @IAmAliveTime
        from expected
        on conflict (cluster_id, address, port, generation) do nothing
        returning cluster_id),
    bumped as (
        update orleans_membership_versions v set version = v.version + 1, changed_at = now()
        from inserted where v.cluster_id = inserted.cluster_id
        returning 1)
    select exists (select 1 from bumped)
$q$),
('UpdateMembershipKey', $q$
    with expected as (
        select cluster_id from orleans_membership_versions
        where cluster_id = @DeploymentId and version = @Version
        for update),
    updated as (
        update orleans_membership m
        set status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
        from expected
        where m.cluster_id = expected.cluster_id
          and m.address = @Address and m.port = @Port and m.generation = @Generation
        returning m.cluster_id),
    bumped as (
        update orleans_membership_versions v set version = v.version + 1, changed_at = now()
        from updated where v.cluster_id = updated.cluster_id
        returning 1)
    select exists (select 1 from bumped)
$q$),
-- A heartbeat: not a membership change, so the version stays.
('UpdateIAmAlivetimeKey', $q$
    update orleans_membership set i_am_alive_time = @IAmAliveTime
    where cluster_id = @DeploymentId and address = @Address and port = @Port and generation = @Generation
$q$),
-- The version row always comes back (the provider takes the table version from the first row); the
-- silo columns are null when the silo has no row.
('MembershipReadRowKey', $q$
    select v.version as "Version", m.address as "Address", m.port as "Port", m.generation as "Generation",
           m.silo_name as "SiloName", m.host_name as "HostName", m.status as "Status",
           m.proxy_port as "ProxyPort", m.suspect_times as "SuspectTimes",
           m.start_time as "StartTime", m.i_am_alive_time as "IAmAliveTime"
    from orleans_membership_versions v
    left join orleans_membership m
      on m.cluster_id = v.cluster_id
     and m.address = @Address and m.port = @Port and m.generation = @Generation
    where v.cluster_id = @DeploymentId
$q$),
('MembershipReadAllKey', $q$
    select v.version as "Version", m.address as "Address", m.port as "Port", m.generation as "Generation",
           m.silo_name as "SiloName", m.host_name as "HostName", m.status as "Status",
           m.proxy_port as "ProxyPort", m.suspect_times as "SuspectTimes",
           m.start_time as "StartTime", m.i_am_alive_time as "IAmAliveTime"
    from orleans_membership_versions v
    left join orleans_membership m on m.cluster_id = v.cluster_id
    where v.cluster_id = @DeploymentId
$q$),
-- What a client connects to: silos in @Status (Active) with a gateway.
('GatewaysQueryKey', $q$
    select address as "Address", proxy_port as "ProxyPort", generation as "Generation"
    from orleans_membership
    where cluster_id = @DeploymentId and status = @Status and proxy_port > 0
$q$),
('DeleteMembershipTableEntriesKey', $q$
    delete from orleans_membership_versions where cluster_id = @DeploymentId
$q$),
-- Defunct silos. The provider prefers CleanupDefunctSiloEntryKey: it reads the table, judges in .NET
-- which dead rows are older than the cutoff, and deletes each one only if it still holds the values
-- it read. CleanupDefunctSiloEntriesKey is the whole-cluster form it falls back to without that key,
-- with the cutoff as @IAmAliveTime.
('CleanupDefunctSiloEntriesKey', $q$
    delete from orleans_membership
    where cluster_id = @DeploymentId and status = 6
      and i_am_alive_time < @IAmAliveTime and start_time < @IAmAliveTime
$q$),
('CleanupDefunctSiloEntryKey', $q$
    delete from orleans_membership
    where cluster_id = @DeploymentId
      and address = @Address and port = @Port and generation = @Generation
      and status = 6
      and start_time = @StartTime and i_am_alive_time = @IAmAliveTime
      and coalesce(suspect_times, '') = coalesce(@SuspectTimes, '')
$q$);
