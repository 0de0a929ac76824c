-- The supervisor console's open-ticket list (issue 13): only open register rows, by project and
-- next deadline, so the first page of 10,000 open tickets is read from the index, not sorted.
-- The expressions are the ones SqlDatabase.OpenTickets writes, word for word: PostgreSQL uses an
-- expression or partial index only when the query repeats it. Deadlines are UTC ISO 8601 text,
-- whose order is the order in time. Model and project lead, as in read_models_scope_time, so the
-- planner takes this smaller index for the counts too (only open rows, not the closed ones).
create index read_models_open_tickets on read_models (
    model,
    scope,
    (doc->>'nextDueAt'),
    sort_time,
    grain_key
) where model = 'ticket-register' and doc->>'status' not in ('Closed', 'Pending');
