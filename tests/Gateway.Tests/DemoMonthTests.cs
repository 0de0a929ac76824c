using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests;

/// <summary>
/// The embedded default's demo month on PostgreSQL: last month and this month to yesterday of
/// calls and tickets for every seed project, taken through the grains as of the moment they
/// happened, so the month report has real figures on first run.
/// </summary>
public sealed class DemoMonthTests : IAsyncLifetime
{
    private static readonly string[] SeedProjects = ["weibang-olympic-garden", "weibang-plaza", "jining-shiji-jiayuan"];


    private readonly GatewayFactory factory = new() { DemoFloor = true, Provider = "Postgres" };

    public DemoMonthTests() => factory.Settings["Demo:Month"] = "true";

    /// <summary>Today in the projects' time zone (Asia/Shanghai).</summary>
    private static DateTime Today => DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Date;

    [Fact]
    public async Task Every_seed_project_has_last_month_of_calls_and_tickets_through_their_outcomes_on_first_run()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", factory.TokenFor("reader"));
        var yesterday = Today.AddDays(-1).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        foreach (var prefix in new[] { "al", "gc", "sj" })
        {
            // Each project's month is told day by day, in order: yesterday's first ticket is among the last.
            await Eventually.Until(async () => (await client.GetAsync($"/api/tickets/month{prefix}{yesterday}01")).IsSuccessStatusCode,
                $"yesterday's demo tickets of the {prefix} project", TimeSpan.FromSeconds(240));
        }

        var lastMonth = Today.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var figures = new List<(string Project, JsonElement Tickets, JsonElement Activity)>();
        foreach (var project in SeedProjects)
        {
            var report = await client.GetFromJsonAsync<JsonElement>($"/api/reports/month/{lastMonth}?project={project}");
            figures.Add((project, report.GetProperty("tickets"), report.GetProperty("activity")));
        }

        foreach (var (project, tickets, activity) in figures)
        {
            var received = tickets.GetProperty("received").GetInt32();
            Assert.True(received > 80, $"{project}: {received} tickets last month");
            Assert.Equal(received, activity.GetProperty("ticketsReceived").GetInt32());
            Assert.True(activity.GetProperty("callsOffered").GetInt32() > 400, $"{project}: {activity.GetProperty("callsOffered")} calls last month");
            Assert.InRange(activity.GetProperty("answerRate").GetDouble(), 0.7, 0.99);
            Assert.True(tickets.GetProperty("complaintsFounded").GetInt32() > 0 && tickets.GetProperty("complaintsUnfounded").GetInt32() > 0, $"{project}: founded and unfounded complaints");
            Assert.True(tickets.GetProperty("callbacks").GetProperty("satisfied").GetInt32() > received / 2, $"{project}: satisfied callbacks");
            // Only the live floor's few tickets (received up to 5 days ago) may still be open.
            Assert.True(tickets.GetProperty("closed").GetInt32() >= received - 10, $"{project}: {tickets.GetProperty("closed")} of {received} closed");
        }

        // The agents' shifts come after the project's tickets: two breaks every weekday, and every
        // answered call names who took it.
        var lastMonthStart = new DateTime(Today.AddMonths(-1).Year, Today.AddMonths(-1).Month, 1);
        var weekdays = Enumerable.Range(0, DateTime.DaysInMonth(lastMonthStart.Year, lastMonthStart.Month))
            .Count(d => lastMonthStart.AddDays(d).DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
        foreach (var (project, _, activity) in figures)
        {
            // Every weekday 08:30 to 17:30 at work, nothing more: the month is complete and no
            // presence leaked past a day's end.
            static double AtWork(JsonElement a) => a.GetProperty("availableMinutes").GetDouble() + a.GetProperty("onCallMinutes").GetDouble()
                + a.GetProperty("wrapUpMinutes").GetDouble() + a.GetProperty("breakMinutes").GetDouble();
            var agents = default(JsonElement);
            await Eventually.Until(async () =>
            {
                agents = (await client.GetFromJsonAsync<JsonElement>($"/api/reports/month/{lastMonth}?project={project}")).GetProperty("agents");
                return agents.GetArrayLength() == 2 && agents.EnumerateArray().All(a => AtWork(a) == weekdays * 9 * 60);
            }, $"the {project} agents' {weekdays} weekdays of 9 hours last month", TimeSpan.FromSeconds(240));
            Assert.All(agents.EnumerateArray(), a =>
            {
                Assert.Equal(2 * weekdays, a.GetProperty("breaks").GetInt32());
                Assert.InRange(a.GetProperty("onCallMinutes").GetDouble(), weekdays * 60, weekdays * 8 * 60);
            });
            Assert.Equal(activity.GetProperty("callsAnswered").GetInt32(), agents.EnumerateArray().Sum(a => a.GetProperty("callsAnswered").GetInt32()));
        }

        Assert.True(figures.Sum(f => f.Tickets.GetProperty("reopened").GetInt32()) > 0, "no ticket was reopened");
        Assert.True(figures.Sum(f => f.Activity.GetProperty("slaBreaches").GetInt32()) > 0, "no deadline was breached");
        Assert.True(figures.Sum(f => f.Tickets.GetProperty("callbacks").GetProperty("unreachable").GetInt32()) > 0, "no customer was unreachable");
    }

    public Task InitializeAsync() => ((IAsyncLifetime)factory).InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)factory).DisposeAsync();
}
