-- Typed ticket facts for the management reports (issue 12); see the PostgreSQL script of the same
-- number for why a table and why triggers. Times are Unix milliseconds, booleans 0 / 1.
-- Working times: a .NET TimeSpan as System.Text.Json writes it ([d.]hh:mm:ss[.fffffff]) in
-- seconds, to the millisecond (unixepoch 'subsec' reads the time of day).
create view ticket_facts_source as
select
    ticket_id, project, received_at, kind, category, severity, urgent, channel, status, agent, department,
    founded, reopened, callback_attempts, callback_outcome, unsatisfied_reasons,
    first_reply_state,
    case when instr(first_reply_time, '.') between 1 and instr(first_reply_time, ':')
         then substr(first_reply_time, 1, instr(first_reply_time, '.') - 1) * 86400 + unixepoch('1970-01-01 ' || substr(first_reply_time, instr(first_reply_time, '.') + 1), 'subsec')
         else unixepoch('1970-01-01 ' || first_reply_time, 'subsec') end as first_reply_seconds,
    target_state,
    case when instr(target_time, '.') between 1 and instr(target_time, ':')
         then substr(target_time, 1, instr(target_time, '.') - 1) * 86400 + unixepoch('1970-01-01 ' || substr(target_time, instr(target_time, '.') + 1), 'subsec')
         else unixepoch('1970-01-01 ' || target_time, 'subsec') end as target_seconds,
    deadline_state,
    case when instr(deadline_time, '.') between 1 and instr(deadline_time, ':')
         then substr(deadline_time, 1, instr(deadline_time, '.') - 1) * 86400 + unixepoch('1970-01-01 ' || substr(deadline_time, instr(deadline_time, '.') + 1), 'subsec')
         else unixepoch('1970-01-01 ' || deadline_time, 'subsec') end as deadline_seconds,
    resolved, closed
from (
    select
        grain_key                                       as ticket_id,
        scope                                           as project,
        sort_time                                       as received_at,
        json_extract(doc, '$.kind')                     as kind,
        json_extract(doc, '$.category')                 as category,
        json_extract(doc, '$.severity')                 as severity,
        json_extract(doc, '$.urgent')                   as urgent,
        json_extract(doc, '$.channel')                  as channel,
        json_extract(doc, '$.status')                   as status,
        json_extract(doc, '$.agent')                    as agent,
        json_extract(doc, '$.department')               as department,
        json_extract(doc, '$.founded')                  as founded,
        json_extract(doc, '$.reopened')                 as reopened,
        json_extract(doc, '$.callbackAttempts')         as callback_attempts,
        json_extract(doc, '$.callbackOutcome')          as callback_outcome,
        case when json_array_length(doc, '$.unsatisfiedReasons') > 0
             then json_extract(doc, '$.unsatisfiedReasons') end as unsatisfied_reasons,
        json_extract(doc, '$.firstReply.state')         as first_reply_state,
        json_extract(doc, '$.firstReply.workingTime')   as first_reply_time,
        json_extract(doc, '$.target.state')             as target_state,
        json_extract(doc, '$.target.workingTime')       as target_time,
        json_extract(doc, '$.deadline.state')           as deadline_state,
        json_extract(doc, '$.deadline.workingTime')     as deadline_time,
        json_extract(doc, '$.resolvedAt') is not null   as resolved,
        json_extract(doc, '$.closedAt') is not null     as closed
    from read_models
    where model = 'ticket-facts'
);

create table ticket_facts (
    ticket_id           text    primary key,
    project             text    not null,
    received_at         integer not null,
    kind                text    not null,
    category            text    not null,
    severity            text    not null,
    urgent              integer not null,
    channel             text    not null,
    status              text    not null,
    agent               text    not null,
    department          text,
    founded             integer,
    reopened            integer not null,
    callback_attempts   integer not null,
    callback_outcome    text,
    unsatisfied_reasons text,
    first_reply_state   text,
    first_reply_seconds real,
    target_state        text,
    target_seconds      real,
    deadline_state      text,
    deadline_seconds    real,
    resolved            integer not null,
    closed              integer not null
) without rowid;
create index ticket_facts_project_received on ticket_facts (project, received_at);

create trigger read_models_ticket_facts_insert after insert on read_models when new.model = 'ticket-facts'
begin
    insert or replace into ticket_facts select * from ticket_facts_source where ticket_id = new.grain_key;
end;
create trigger read_models_ticket_facts_update after update on read_models when old.model = 'ticket-facts' or new.model = 'ticket-facts'
begin
    delete from ticket_facts where ticket_id = old.grain_key;
    insert into ticket_facts select * from ticket_facts_source where ticket_id = new.grain_key;
end;
create trigger read_models_ticket_facts_delete after delete on read_models when old.model = 'ticket-facts'
begin
    delete from ticket_facts where ticket_id = old.grain_key;
end;

-- Tickets stored before this migration.
insert into ticket_facts select * from ticket_facts_source;
