-- Who read or changed what, when and from where (SPEC §8); append-only. Times are Unix milliseconds (UTC).
create table audit_trail (
    id             integer primary key autoincrement,
    at             integer not null,
    user_id        text    not null,
    action         text    not null,
    resource_type  text    not null,
    resource_id    text    not null,
    project_id     text    null,
    from_address   text    null,
    outcome        text    not null,
    detail         text    null
);
-- One per way an admin asks (by resource, user, project, or time alone), newest first.
create index audit_trail_resource on audit_trail (resource_type, resource_id, at, id);
create index audit_trail_user on audit_trail (user_id, at, id);
create index audit_trail_project on audit_trail (project_id, at, id);
create index audit_trail_at on audit_trail (at, id);
