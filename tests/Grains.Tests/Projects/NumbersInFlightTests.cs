using System.Text.Json;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Grains.Turns;
using HotlineGrains.Silo;
using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace HotlineGrains.Grains.Tests.Projects;

/// <summary>
/// A project remembers a ticket's number only until the ticket's intake is stored: a retry gets the
/// number back, and the project's state, which every intake writes again, does not grow with the
/// open tickets (issue 13: at 10,000 open tickets every intake rewrote 10,000 entries).
/// </summary>
public sealed class NumbersInFlightTests() : ManualClockSiloTest(new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero), _ => { })
{
    private const string Project = "weibang-plaza";

    [Fact]
    public async Task A_retried_intake_gets_its_number_back_until_the_ticket_is_stored()
    {
        await ConfigureProject(Project);
        var project = Grains.GetGrain<IProjectGrain>(Project);

        var first = await project.IssueTicketNumber("t-1", "agent-1");

        Assert.Equal(first, await project.IssueTicketNumber("t-1", "agent-1"));
        Assert.Equal(["t-1"], await StoredNumbersInFlight());
    }

    [Fact]
    public async Task The_project_forgets_the_numbers_of_tickets_whose_intake_is_stored()
    {
        await ConfigureProject(Project);
        var numbers = new List<string>();
        for (var i = 1; i <= 20; i++)
        {
            numbers.Add((await OpenTicket($"t-{i}", Intake(Project, "agent-1"))).Number!);
        }

        await Eventually.Until(async () => (await StoredNumbersInFlight()).Count == 0, "the project heard every intake stored");

        Assert.Equal(20, numbers.Distinct().Count());
        Assert.DoesNotContain("t-1", await StoredProjectJson());
    }

    [Fact]
    public async Task A_policy_edit_reaches_open_tickets_the_project_no_longer_remembers()
    {
        var settings = await ConfigureProject(Project);
        await OpenTicket("t-1", Intake(Project, "agent-1"));
        await Eventually.Until(async () => (await StoredNumbersInFlight()).Count == 0, "the project heard the intake stored");
        var reminders = Services.GetRequiredService<IReminderTable>();
        var ticket = GrainId.Create("ticket", "t-1");
        var inAnHour = Now.AddHours(1).UtcDateTime;
        Assert.True((await reminders.ReadRow(ticket, TicketGrain.SlaReminder))!.StartAt > inAnHour);

        // A general complaint's deadline cut to one working hour: the ticket's next SLA moment comes
        // within the hour only if the edit reached it.
        await Grains.GetGrain<IProjectGrain>(Project).Configure(settings with
        {
            ServiceLevels = settings.ServiceLevels with
            {
                Complaint = settings.ServiceLevels.Complaint with
                {
                    General = new ClockBudgets(null, WorkDuration.FromMinutes(30), WorkDuration.FromHours(1)),
                },
            },
        });

        await Eventually.Until(async () => (await reminders.ReadRow(ticket, TicketGrain.SlaReminder))?.StartAt <= inAnHour,
            "the ticket moved its SLA reminder to the new policy");
    }

    private async Task<string> StoredProjectJson()
    {
        var storage = Services.GetRequiredKeyedService<IGrainStorage>(HotlineStorage.ProviderName);
        var stored = new GrainState<GrainRecord>();
        await storage.ReadStateAsync("project", GrainId.Create("project", Project), stored);
        return stored.State!.State!.Value.GetRawText();
    }

    private async Task<IReadOnlyList<string>> StoredNumbersInFlight()
    {
        using var json = JsonDocument.Parse(await StoredProjectJson());
        return [.. json.RootElement.GetProperty("openTickets").EnumerateObject().Select(p => p.Name)];
    }
}
