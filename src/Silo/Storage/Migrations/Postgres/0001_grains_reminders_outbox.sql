-- Grain state: one row per grain, JSON state guarded by a version (the ETag).
create table grain_state (
    grain_type  text        not null,
    grain_key   text        not null,
    version     bigint      not null,
    state       jsonb       not null,
    updated_at  timestamptz not null,
    primary key (grain_type, grain_key)
);

-- Reminders, and one-way grain messages (a message is a one-shot reminder that carries a payload).
create table reminders (
    id            bigserial   primary key,
    grain_type    text        not null,
    grain_key     text        not null,
    name          text        not null,
    due_at        timestamptz not null,
    period_ms     bigint      null,
    sequence      bigint      not null default 0,
    payload_type  text        null,
    payload       jsonb       null,
    unique (grain_type, grain_key, name)
);
create index reminders_due_at on reminders (due_at, id);

-- Transactional outbox: events written with the turn that raised them, relayed to the bus after commit.
create table outbox (
    position      bigserial   primary key,
    message_id    uuid        not null unique,
    grain_type    text        not null,
    grain_key     text        not null,
    message_type  text        not null,
    payload       jsonb       not null,
    created_at    timestamptz not null
);
