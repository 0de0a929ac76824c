-- Times are Unix milliseconds (UTC); JSON is text.
create table grain_state (
    grain_type  text    not null,
    grain_key   text    not null,
    version     integer not null,
    state       text    not null,
    updated_at  integer not null,
    primary key (grain_type, grain_key)
) without rowid;

create table reminders (
    id            integer primary key autoincrement,
    grain_type    text    not null,
    grain_key     text    not null,
    name          text    not null,
    due_at        integer not null,
    period_ms     integer null,
    sequence      integer not null default 0,
    payload_type  text    null,
    payload       text    null,
    unique (grain_type, grain_key, name)
);
create index reminders_due_at on reminders (due_at, id);

create table outbox (
    position      integer primary key autoincrement,
    message_id    text    not null unique,
    grain_type    text    not null,
    grain_key     text    not null,
    message_type  text    not null,
    payload       text    not null,
    created_at    integer not null
);
