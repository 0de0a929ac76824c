-- Typed ticket facts for the management reports (issue 12). The `ticket-facts` read-model rows
-- (src/Grains/Reports/TicketFacts.cs) hold jsonb documents: a month of a busy project meant moving
-- and parsing 100,000 documents per report. This table keeps the same facts as columns, indexed by
-- (project, received_at), so a report is a few grouping queries over one index range.
--
-- Kept by triggers on read_models rather than by the writers: read-model rows are written by the
-- grain-storage function (0004), by the SQLite provider in C#, and by imports; a trigger keeps the
-- table in step with every one of them, in the same transaction as the read-model write, and the
-- backfill below uses the very same mapping (the view), so old and new rows cannot differ.
--
--   ticket_id:   the read-model row's grain key (the ticket); project and received_at are its scope and sort time.
--   *_state:     the SLA clock's state (ClockFact.State), null when the ticket has no such clock.
--   *_seconds:   working time until the clock was satisfied, null while it runs.
--   unsatisfied_reasons: the unsatisfied callbacks' notes (jsonb array), null when there are none.

-- A .NET TimeSpan as System.Text.Json writes it ("c" format: [d.]hh:mm:ss[.fffffff]) in seconds.
create function hotline_timespan_seconds(span text) returns double precision
language sql immutable strict as $$
    select extract(epoch from regexp_replace(span, '^(-?\d+)\.', '\1 days ')::interval)::double precision
$$;

create view ticket_facts_source as
select
    grain_key                                         as ticket_id,
    scope                                             as project,
    sort_time                                         as received_at,
    doc ->> 'kind'                                    as kind,
    doc ->> 'category'                                as category,
    doc ->> 'severity'                                as severity,
    (doc ->> 'urgent')::boolean                       as urgent,
    doc ->> 'channel'                                 as channel,
    doc ->> 'status'                                  as status,
    doc ->> 'agent'                                   as agent,
    doc ->> 'department'                              as department,
    (doc ->> 'founded')::boolean                      as founded,
    (doc ->> 'reopened')::integer                     as reopened,
    (doc ->> 'callbackAttempts')::integer             as callback_attempts,
    doc ->> 'callbackOutcome'                         as callback_outcome,
    case when jsonb_typeof(doc -> 'unsatisfiedReasons') = 'array' and jsonb_array_length(doc -> 'unsatisfiedReasons') > 0
         then doc -> 'unsatisfiedReasons' end         as unsatisfied_reasons,
    doc -> 'firstReply' ->> 'state'                   as first_reply_state,
    hotline_timespan_seconds(doc -> 'firstReply' ->> 'workingTime') as first_reply_seconds,
    doc -> 'target' ->> 'state'                       as target_state,
    hotline_timespan_seconds(doc -> 'target' ->> 'workingTime')     as target_seconds,
    doc -> 'deadline' ->> 'state'                     as deadline_state,
    hotline_timespan_seconds(doc -> 'deadline' ->> 'workingTime')   as deadline_seconds,
    doc ->> 'resolvedAt' is not null                  as resolved,
    doc ->> 'closedAt' is not null                    as closed
from read_models
where model = 'ticket-facts';

create table ticket_facts (
    ticket_id           text             primary key,
    project             text             not null,
    received_at         timestamptz      not null,
    kind                text             not null,
    category            text             not null,
    severity            text             not null,
    urgent              boolean          not null,
    channel             text             not null,
    status              text             not null,
    agent               text             not null,
    department          text,
    founded             boolean,
    reopened            integer          not null,
    callback_attempts   integer          not null,
    callback_outcome    text,
    unsatisfied_reasons jsonb,
    first_reply_state   text,
    first_reply_seconds double precision,
    target_state        text,
    target_seconds      double precision,
    deadline_state      text,
    deadline_seconds    double precision,
    resolved            boolean          not null,
    closed              boolean          not null
);
create index ticket_facts_project_received on ticket_facts (project, received_at);

create function hotline_ticket_facts_follow() returns trigger
language plpgsql as $$
begin
    if tg_op <> 'INSERT' then
        delete from ticket_facts where ticket_id = old.grain_key;
    end if;
    if tg_op <> 'DELETE' and new.model = 'ticket-facts' then
        insert into ticket_facts select * from ticket_facts_source where ticket_id = new.grain_key;
    end if;
    return null;
end;
$$;

create trigger read_models_ticket_facts_write after insert or update on read_models
for each row when (new.model = 'ticket-facts') execute function hotline_ticket_facts_follow();
create trigger read_models_ticket_facts_delete after delete on read_models
for each row when (old.model = 'ticket-facts') execute function hotline_ticket_facts_follow();

-- Tickets stored before this migration.
insert into ticket_facts select * from ticket_facts_source;
