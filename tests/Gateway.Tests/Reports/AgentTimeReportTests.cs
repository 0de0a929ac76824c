using System.Net;
using System.Text.Json;
using HotlineGrains.Contracts;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests.Reports;

/// <summary>
/// Agents' time in a report (issue 12): minutes by presence per local day of the home project,
/// breaks and breaks over the limit, and calls answered, on a day scripted minute by minute and
/// checked against figures worked out by hand.
/// </summary>
public abstract class AgentTimeReportTests(string provider) : ClockedGateway(provider)
{
    private const string Project = "weibang-plaza";

    [Fact]
    public async Task A_scripted_day_gives_each_agents_minutes_by_presence_breaks_and_calls()
    {
        await Api.Put("/api/agents/a-3001", new { workNumber = "3001", name = "周宁", projects = new[] { Project }, departments = new[] { "客服" } });
        await Api.Put("/api/agents/a-3002", new { workNumber = "3002", name = "吴昊", projects = new[] { Project }, departments = new[] { "工程" } });

        // Monday 2 March in Shanghai, 09:00 onwards (the project's default break limit is 15 minutes).
        await Presence(Local(9, 0), "Available");
        await Call("c-1", "Ringing", Local(9, 29));
        await Presence(Local(9, 30), "OnCall");
        await Call("c-1", "Answered", Local(9, 30), "a-3001");
        await Presence(Local(9, 40), "WrapUp");
        await Presence(Local(9, 45), "Available");
        await Presence(Local(10, 0), "Break");
        Clock.AdvanceTo(Local(10, 15));
        await Eventually.Until(() => Published.Of<AgentBreakLimitExceeded>().Count > 0, "the supervisor alerted at the limit");
        await Presence(Local(10, 20), "Available");
        await Presence(Local(10, 30), "Break");
        await Presence(Local(10, 35), "Available");
        await Presence(Local(23, 30), "Leave");
        Clock.AdvanceTo(Local(25, 0)); // Tuesday 01:00, still on leave

        var monday = (await Api.Get($"/api/reports/day/2026-03-02?project={Project}")).GetProperty("agents");
        Assert.Equal(["a-3001", "a-3002"], monday.EnumerateArray().Select(a => a.GetProperty("agent").GetString()));
        // Available 09:00–09:30, 09:45–10:00, 10:20–10:30, 10:35–23:30; on call 09:30–09:40; wrap-up
        // 09:40–09:45; breaks 10:00–10:20 (over the limit) and 10:30–10:35; on leave from 23:30.
        Assert.Equal((830d, 10d, 5d, 25d, 30d, 2, 1, 1), Figures(monday[0]));
        Assert.Equal((0d, 0d, 0d, 0d, 0d, 0, 0, 0), Figures(monday[1])); // off shift all day: not counted

        // Tuesday so far: the leave that has not ended counts up to now.
        var tuesday = (await Api.Get($"/api/reports/day/2026-03-03?project={Project}")).GetProperty("agents");
        Assert.Equal((0d, 0d, 0d, 0d, 60d, 0, 0, 0), Figures(tuesday[0]));

        // The month adds the days up; a department or an agent narrows the table.
        var month = (await Api.Get($"/api/reports/month/2026-03?project={Project}")).GetProperty("agents");
        Assert.Equal((830d, 10d, 5d, 25d, 90d, 2, 1, 1), Figures(month[0]));
        var engineering = (await Api.Get($"/api/reports/month/2026-03?project={Project}&department=工程")).GetProperty("agents");
        Assert.Equal(["a-3002"], engineering.EnumerateArray().Select(a => a.GetProperty("agent").GetString()));
        var one = (await Api.Get($"/api/reports/month/2026-03?project={Project}&agent=a-3001")).GetProperty("agents");
        Assert.Equal(["a-3001"], one.EnumerateArray().Select(a => a.GetProperty("agent").GetString()));

        // The same figures in the spreadsheet's table.
        using var csv = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/day/2026-03-02?project={Project}");
        csv.Headers.Accept.ParseAdd("text/csv");
        csv.Headers.Authorization = new("Bearer", Factory.TokenFor("supervisor-1"));
        using var response = await Api.Client.SendAsync(csv);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("a-3001,3001,周宁,weibang-plaza,830,10,5,25,30,2,1,1\r\n", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Local time in Shanghai on Monday 2 March (hours past 24 run into Tuesday).</summary>
    private static DateTimeOffset Local(int hour, int minute) => Start.AddHours(hour - 9).AddMinutes(minute);

    private async Task Presence(DateTimeOffset at, string presence)
    {
        Clock.AdvanceTo(at);
        await Api.Put("/api/agents/a-3001/presence", new { presence });
    }

    private async Task Call(string callId, string kind, DateTimeOffset at, string? agent = null)
    {
        Clock.AdvanceTo(at);
        using var response = await Api.Send(HttpMethod.Post, $"/api/projects/{Project}/calls", new { callId, @event = kind, at, agent }, user: "switch");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static (double Available, double OnCall, double WrapUp, double Break, double Leave, int Breaks, int OverLimit, int Calls) Figures(JsonElement agent) =>
        (agent.GetProperty("availableMinutes").GetDouble(), agent.GetProperty("onCallMinutes").GetDouble(), agent.GetProperty("wrapUpMinutes").GetDouble(),
            agent.GetProperty("breakMinutes").GetDouble(), agent.GetProperty("leaveMinutes").GetDouble(),
            agent.GetProperty("breaks").GetInt32(), agent.GetProperty("breaksOverLimit").GetInt32(), agent.GetProperty("callsAnswered").GetInt32());
}

public sealed class SqliteAgentTimeReportTests() : AgentTimeReportTests("Sqlite");

public sealed class PostgresAgentTimeReportTests() : AgentTimeReportTests("Postgres");
