using HotlineGrains.Contracts;
using HotlineGrains.Grains.Calendars;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Turns;
using Orleans;

namespace HotlineGrains.Grains.Customers;

/// <summary>
/// A customer (客户/业主): how to address them, where they live, how to reach them, their tier,
/// their tickets, and the relationship callbacks their tier is owed (seed 003, SPEC §6). Each
/// callback role is a one-shot reminder that, on firing, announces the callback and arms the
/// role's next date (see <see cref="RelationshipCallbacks"/>): a reminder period is a fixed
/// length, and months, quarters and years are not.
/// </summary>
[GrainType("customer")]
public sealed class CustomerGrain : HotlineGrain<CustomerState>, ICustomerGrain, IHandleReminders, IHandle<RecordCustomerTicket>
{
    protected override IEnumerable<KeyValuePair<string, object?>> LogFields() =>
        [new("CustomerId", Key), new("ProjectId", State.Profile?.ProjectId)];

    /// <summary>The customer directory, one row per customer, scoped by project.</summary>
    public const string DirectoryModel = "customers";

    public const int TicketsKept = 500;
    public const int CallbacksKept = 200;

    private const string ReminderPrefix = "relationship-callback:";
    private const string CallbackActor = "system:relationship-callbacks";

    public Task<CustomerView?> GetView() => Task.FromResult(State.Profile is null ? null : ToView(State.Profile));

    public static string ReminderName(CallerRole role) => ReminderPrefix + role;

    /// <summary>
    /// Records the customer, or replaces what is known of them. A new tier keeps the callbacks it
    /// shares with the old one as planned and adds or cancels the others; a new project plans
    /// them all again, in that project's time zone and service calendar.
    /// </summary>
    public async Task<CustomerView> Upsert(CustomerProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.Validate() is { Count: > 0 } problems)
        {
            throw new CustomerValidationException(problems);
        }

        var before = State.Profile;
        State.Profile = profile;
        State.RegisteredAt ??= Turn.Now;
        if (before is not null && before.ProjectId != profile.ProjectId)
        {
            State.Planned.Clear();
        }

        var calendar = await Calendar(profile.ProjectId);
        var roles = RelationshipCallbacks.RolesFor(profile.Tier);
        foreach (var dropped in State.Planned.Where(p => !roles.Contains(p.Role)).ToList())
        {
            State.Planned.Remove(dropped);
            Turn.CancelReminder(ReminderName(dropped.Role));
        }

        foreach (var role in roles.Where(r => State.Planned.All(p => p.Role != r)))
        {
            Arm(RelationshipCallbacks.First(role, Turn.Now, calendar));
        }

        ProjectDirectoryRow();
        return ToView(profile);
    }

    public Task Handle(RecordCustomerTicket message)
    {
        if (State.Tickets.Any(t => t.TicketId == message.TicketId))
        {
            return Task.CompletedTask;
        }

        var ticket = new CustomerTicket(message.TicketId, message.TicketNumber, message.Kind, message.ReceivedAt);
        var at = State.Tickets.FindLastIndex(t => t.ReceivedAt <= ticket.ReceivedAt) + 1;
        State.Tickets.Insert(at, ticket);
        if (State.Tickets.Count > TicketsKept)
        {
            State.Tickets.RemoveRange(0, State.Tickets.Count - TicketsKept);
        }

        ProjectDirectoryRow();
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(ReminderTick tick)
    {
        if (!tick.Name.StartsWith(ReminderPrefix, StringComparison.Ordinal)
            || !Enum.TryParse<CallerRole>(tick.Name.AsSpan(ReminderPrefix.Length), out var role)
            || State.Profile is not { } profile
            || State.Planned.Find(p => p.Role == role) is not { } plan)
        {
            return; // the tier no longer has this role: its reminder was cancelled with the change
        }

        if (plan.DueAt > Turn.Now)
        {
            // A firing from before a re-plan: the planned one is still to come.
            Turn.SetReminder(ReminderName(role), plan.DueAt);
            return;
        }

        State.Raised.Add(new RaisedCallback(role, profile.Tier, plan.Date, plan.DueAt, Turn.Now));
        if (State.Raised.Count > CallbacksKept)
        {
            State.Raised.RemoveRange(0, State.Raised.Count - CallbacksKept);
        }

        Turn.Publish(new CustomerCallbackDue
        {
            EventId = Guid.NewGuid(),
            ProjectId = profile.ProjectId,
            OccurredAt = Turn.Now,
            Actor = CallbackActor,
            CustomerId = Key,
            Tier = profile.Tier.ToString(),
            CallerRole = role.ToString(),
            DueAt = plan.DueAt,
        });

        // The project's calendar is read again at every firing, so a changed time zone or
        // service calendar applies from the next date on.
        State.Planned.Remove(plan);
        Arm(RelationshipCallbacks.After(plan, Turn.Now, await Calendar(profile.ProjectId)));
    }

    private void Arm(PlannedCallback plan)
    {
        State.Planned.Add(plan);
        State.Planned.Sort((a, b) => a.Role.CompareTo(b.Role));
        Turn.SetReminder(ReminderName(plan.Role), plan.DueAt);
    }

    /// <summary>The project's service calendar; an unconfigured project gets the default one (Asia/Shanghai).</summary>
    private async Task<ServiceCalendar> Calendar(string projectId) =>
        (await GrainFactory.GetGrain<IProjectGrain>(projectId).GetSettings())?.Calendar ?? ServiceCalendar.Default;

    private void ProjectDirectoryRow()
    {
        if (State.Profile is not { } profile)
        {
            return;
        }

        DateTimeOffset? lastTicketAt = State.Tickets.Count > 0 ? State.Tickets[^1].ReceivedAt : null;
        Turn.Project(DirectoryModel, profile.ProjectId, lastTicketAt ?? State.RegisteredAt ?? Turn.Now, new CustomerDirectoryRow(
            Key, profile.FormOfAddress, profile.Surname, profile.FullName, profile.UnitNumber,
            profile.Phones[0], profile.Phones, profile.Tier, State.Tickets.Count, lastTicketAt));
    }

    private CustomerView ToView(CustomerProfile profile) => new(
        Key, profile.Surname, profile.FullName, profile.Honorific, profile.FormOfAddress, profile.UnitNumber,
        profile.Phones, profile.ProjectId, profile.Tier,
        [.. Enumerable.Reverse(State.Tickets)],
        [.. State.Planned.OrderBy(p => p.DueAt)],
        [.. Enumerable.Reverse(State.Raised)]);
}
