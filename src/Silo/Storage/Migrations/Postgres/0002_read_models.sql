-- Queryable rows grains write in their turns (the ticket register, agent lists, …).
create table read_models (
    model       text        not null,
    grain_key   text        not null,
    scope       text        not null,
    sort_time   timestamptz not null,
    doc         jsonb       not null,
    updated_at  timestamptz not null,
    primary key (model, grain_key)
);
create index read_models_scope_time on read_models (model, scope, sort_time desc);
