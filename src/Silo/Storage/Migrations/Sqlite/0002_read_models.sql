create table read_models (
    model       text    not null,
    grain_key   text    not null,
    scope       text    not null,
    sort_time   integer not null,
    doc         text    not null,
    updated_at  integer not null,
    primary key (model, grain_key)
) without rowid;
create index read_models_scope_time on read_models (model, scope, sort_time desc);
