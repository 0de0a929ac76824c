using System.Diagnostics.Metrics;
using HotlineGrains.Contracts;

namespace HotlineGrains.Silo.Telemetry;

/// <summary>
/// The hotline's own meter (<c>HotlineGrains</c>): what a supervisor counts and an operator alerts
/// on. The workflow's figures are counted from the events the outbox relay hands to the bus,
/// the one place every stored change passes exactly once per relay (a redelivery after a crash
/// counts again: these are rates to watch, not the register's totals).
/// </summary>
public sealed class HotlineMetrics : IDisposable
{
    public const string MeterName = "HotlineGrains";

    private readonly Meter meter;
    private readonly Counter<long> ticketsRecorded;
    private readonly Counter<long> steps;
    private readonly Counter<long> slaWarnings;
    private readonly Counter<long> slaBreaches;
    private readonly Counter<long> callbacksDue;
    private readonly Counter<long> callbacksDone;
    private readonly Counter<long> calls;
    private readonly Histogram<double> reminderLag;
    private readonly Histogram<double> relayLag;
    private readonly UpDownCounter<long> wallboardConnections;
    private readonly Histogram<double> boardFanOut;
    private long outboxBacklog;
    private double outboxOldestAge;

    public HotlineMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        meter = meters.Create(MeterName);
        ticketsRecorded = meter.CreateCounter<long>("hotline.tickets.recorded", "{ticket}", "Tickets recorded");
        steps = meter.CreateCounter<long>("hotline.ticket.steps", "{step}", "Workflow steps taken on tickets, by step");
        slaWarnings = meter.CreateCounter<long>("hotline.sla.warnings", "{warning}", "SLA clocks that reached their warning");
        slaBreaches = meter.CreateCounter<long>("hotline.sla.breaches", "{breach}", "SLA targets missed and deadlines breached, by kind");
        callbacksDue = meter.CreateCounter<long>("hotline.callbacks.due", "{callback}", "Callbacks (ticket and customer) that fell due");
        callbacksDone = meter.CreateCounter<long>("hotline.callbacks.done", "{callback}", "Callbacks made, by outcome");
        calls = meter.CreateCounter<long>("hotline.calls", "{call}", "Calls offered (ringing), answered and abandoned, by event");
        reminderLag = meter.CreateHistogram<double>("hotline.reminders.lag", "s", "How late a reminder fired after its due time");
        relayLag = meter.CreateHistogram<double>("hotline.outbox.relay_lag", "s", "Time from a turn storing an event to the relay handing it to the bus");
        meter.CreateObservableGauge("hotline.outbox.backlog", () => Volatile.Read(ref outboxBacklog), "{row}", "Outbox rows waiting for the bus or their grain");
        meter.CreateObservableGauge("hotline.outbox.oldest_age", () => Volatile.Read(ref outboxOldestAge), "s", "How long the oldest waiting outbox row has waited");
        wallboardConnections = meter.CreateUpDownCounter<long>("hotline.wallboard.connections", "{connection}", "Wallboard screens connected to this node");
        boardFanOut = meter.CreateHistogram<double>("hotline.board.fanout", "s", "Time to send one board change to every screen that watches it");
    }

    /// <summary>Counts an event the relay handed to the bus; <paramref name="storedAt"/> is when its turn stored it.</summary>
    public void EventRelayed(object @event, DateTimeOffset storedAt, DateTimeOffset now)
    {
        relayLag.Record(Math.Max(0, (now - storedAt).TotalSeconds));
        switch (@event)
        {
            case TicketReceived received:
                ticketsRecorded.Add(1, new KeyValuePair<string, object?>("project", received.ProjectId));
                break;
            case TicketSlaWarning warning:
                slaWarnings.Add(1, new KeyValuePair<string, object?>("project", warning.ProjectId));
                ReminderFired(warning.DueAt, warning.OccurredAt);
                break;
            case TicketSlaEvent breach:
                slaBreaches.Add(1, new KeyValuePair<string, object?>("kind", breach is TicketSlaBreached ? "deadline" : "target"));
                ReminderFired(breach.DueAt, breach.OccurredAt);
                break;
            case CallbackDue due:
                callbacksDue.Add(1);
                ReminderFired(due.DueAt, due.OccurredAt);
                break;
            case CustomerCallbackDue:
                callbacksDue.Add(1);
                break;
            case CallbackRecorded done:
                callbacksDone.Add(1, new KeyValuePair<string, object?>("outcome", done.Outcome));
                break;
            case CallEventRecorded { Event: "Ringing" or "Answered" or "Abandoned" } call:
                calls.Add(1, new KeyValuePair<string, object?>("event", call.Event == "Ringing" ? "offered" : call.Event.ToLowerInvariant()),
                    new KeyValuePair<string, object?>("project", call.ProjectId));
                break;
        }

        if (@event is TicketEvent step and not TicketSlaEvent and not CallbackDue)
        {
            steps.Add(1, new KeyValuePair<string, object?>("step", step.GetType().Name), new KeyValuePair<string, object?>("project", step.ProjectId));
        }
    }

    /// <summary>The outbox as last read: rows waiting and the age of the oldest.</summary>
    public void OutboxRead(long backlog, TimeSpan oldestAge)
    {
        Volatile.Write(ref outboxBacklog, backlog);
        Volatile.Write(ref outboxOldestAge, Math.Round(oldestAge.TotalSeconds, 1));
    }

    public void WallboardConnected() => wallboardConnections.Add(1);

    public void WallboardDisconnected() => wallboardConnections.Add(-1);

    public void BoardSent(TimeSpan took) => boardFanOut.Record(took.TotalSeconds);

    public void Dispose() => meter.Dispose();

    private void ReminderFired(DateTimeOffset due, DateTimeOffset fired) => reminderLag.Record(Math.Max(0, (fired - due).TotalSeconds));
}
