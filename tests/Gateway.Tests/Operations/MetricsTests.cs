using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using HotlineGrains.Contracts;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Silo.Operations;
using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Gateway.Tests.Operations;

/// <summary>
/// The Prometheus scrape endpoint on the management port (issue 11): after a scripted bit of a day
/// (tickets recorded, a step taken, calls offered, answered and abandoned) it shows the hotline's
/// own figures beside ASP.NET Core's, the runtime's and Orleans', and it is not served on the API's port.
/// </summary>
public sealed partial class MetricsTests() : ClockedGateway("Sqlite")
{
    /// <summary>A project of this test's own: other tests' gateways in this process count into the same meter, under their projects.</summary>
    private const string Project = "metrics-day";

    [Fact]
    public async Task The_scrape_endpoint_shows_the_hotlines_figures_after_a_scripted_day()
    {
        var metrics = await ScriptedDay();

        Assert.Equal(2, Value(metrics, "hotline_tickets_recorded_total", $"project=\"{Project}\""));
        Assert.Equal(2, Value(metrics, "hotline_calls_total", "event=\"offered\"", $"project=\"{Project}\""));
        Assert.Equal(1, Value(metrics, "hotline_calls_total", "event=\"answered\"", $"project=\"{Project}\""));
        Assert.Equal(1, Value(metrics, "hotline_calls_total", "event=\"abandoned\"", $"project=\"{Project}\""));
        Assert.Equal(2, Value(metrics, "hotline_ticket_steps_total", $"project=\"{Project}\"", "step=\"TicketForwarded\""));
        Assert.Equal(2, Value(metrics, "hotline_sla_warnings_total", $"project=\"{Project}\"")); // the target's and the deadline's
        Assert.True(Value(metrics, "hotline_sla_breaches_total", "kind=\"target\"") >= 1);
        Assert.True(Value(metrics, "hotline_sla_breaches_total", "kind=\"deadline\"") >= 1);
        Assert.True(Value(metrics, "hotline_callbacks_due_total") >= 1);
        Assert.True(Value(metrics, "hotline_callbacks_done_total", "outcome=\"Satisfied\"") >= 1);
        Assert.True(Value(metrics, "hotline_reminders_lag_seconds_count") >= 5); // four SLA moments and the callback
        Assert.True(Value(metrics, "hotline_outbox_relay_lag_seconds_count") >= 2);
        Assert.NotNull(Value(metrics, "hotline_outbox_backlog"));
        Assert.NotNull(Value(metrics, "hotline_outbox_oldest_age_seconds"));
        Assert.True(Value(metrics, "hotline_wallboard_connections") >= 1);
        Assert.True(Value(metrics, "hotline_board_fanout_seconds_count") >= 1);
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("orleans_", metrics, StringComparison.Ordinal);
        Assert.Contains("dotnet_", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_series_the_grafana_dashboard_charts_is_on_the_scrape_endpoint()
    {
        var dashboard = Path.Combine(Repository.Root, "k8s", "base", "grafana", "hotline-dashboard.json");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(dashboard));
        var charted = json.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => Selector().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Groups["name"].Value))
            .ToHashSet(StringComparer.Ordinal);
        Assert.True(charted.Count >= 10, $"the dashboard's queries name {charted.Count} series");

        var metrics = await ScriptedDay();

        var served = Sample().Matches(metrics).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(charted.Where(name => !served.Contains(name)).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A bit of a day on this test's project, with a wallboard watching: two tickets, one left open
    /// through its target and deadline (a short policy, so the clock steps through four SLA moments),
    /// one walked to its feedback callback, and two calls. Returns the scrape once it shows them.
    /// </summary>
    private async Task<string> ScriptedDay()
    {
        await Api.Put($"/api/projects/{Project}", new
        {
            name = "测试项目",
            greeting = "您好,这里是维邦物业客服中心,为您服务",
            ticketPrefix = "M",
            serviceLevels = new { complaint = new { general = new { firstReply = (object?)null, target = new { minutes = 30 }, deadline = new { hours = 1 } } } },
        });
        await using var wallboard = await Factory.ConnectToHubAsync(Factory.TokenFor("wallboard", [Roles.Display], [HotlineClaims.AllProjects], [], TimeSpan.FromDays(1)));
        await wallboard.InvokeAsync("Join", Project);

        var open = await Api.Intake(Project, HotlineApi.Complaint());
        var walked = await Api.Intake(Project, HotlineApi.Complaint());
        await Api.Step(open, "forward", new { department = "工程部" });
        walked = await Api.Step(walked, "forward", new { department = "工程部" });
        walked = await Api.Step(walked, "verify", new { founded = true, findings = "灯具老化。" });
        walked = await Api.Step(walked, "resolve", new { plan = "更换灯管", result = "已更换", handler = "赵师傅" });
        walked = await Api.Step(walked, "notify-customer", new { message = "已修复。" });
        await Call("c-1", "Ringing");
        await Call("c-1", "Answered");
        await Call("c-2", "Ringing");
        await Call("c-2", "Abandoned");

        // One moment at a time: each firing plans the next.
        var id = HotlineApi.Id(open);
        Clock.AdvanceTo(Start.AddMinutes(24));
        await WaitFor<TicketSlaWarning>(id, e => e.Clock == "Target");
        Clock.AdvanceTo(Start.AddMinutes(30));
        await WaitFor<TicketSlaTargetMissed>(id);
        Clock.AdvanceTo(Start.AddMinutes(48));
        await WaitFor<TicketSlaWarning>(id, e => e.Clock == "Deadline");
        Clock.AdvanceTo(Start.AddHours(1));
        await WaitFor<TicketSlaBreached>(id);

        Clock.AdvanceTo(walked.GetProperty("nextCallback").GetProperty("dueAt").GetDateTimeOffset());
        await WaitFor<CallbackDue>(HotlineApi.Id(walked));
        await Api.Step(await Api.Ticket(HotlineApi.Id(walked)), "record-callback", new { outcome = "Satisfied", note = "业主满意" });

        // The management port: the test support gives each gateway one of its own, as it does the silo ports.
        var scrape = new Uri($"http://localhost:{Services.GetRequiredService<IOptions<ManagementOptions>>().Value.Port}/metrics");
        var metrics = string.Empty;
        await Eventually.Until(async () =>
        {
            metrics = await Api.Client.GetStringAsync(scrape);
            return Value(metrics, "hotline_calls_total", "event=\"abandoned\"", $"project=\"{Project}\"") >= 1
                && Value(metrics, "hotline_callbacks_done_total", "outcome=\"Satisfied\"") >= 1
                && Value(metrics, "hotline_board_fanout_seconds_count") >= 1;
        }, "the day's figures on the scrape endpoint");
        return metrics;
    }

    [Fact]
    public async Task The_scrape_endpoint_is_not_served_on_the_api_port()
    {
        using var response = await Api.Client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task Call(string callId, string kind)
    {
        using var response = await Api.Send(HttpMethod.Post, $"/api/projects/{Project}/calls", new { callId, @event = kind, at = Now }, user: "switch");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>The value of the first sample of <paramref name="name"/> whose labels contain every one of <paramref name="labels"/>; null when there is none.</summary>
    private static double? Value(string metrics, string name, params string[] labels) =>
        Sample().Matches(metrics).Where(m => m.Groups["name"].Value == name && labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            .Select(m => (double?)double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();

    /// <summary>A sample line: name, labels (whose quoted values may hold braces, as routes do) and value.</summary>
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>(?:[^""}]|""(?:[^""\\]|\\.)*"")*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();

    /// <summary>A series selector in the dashboard's PromQL: the name before its braces (the dashboard writes <c>{}</c> even with no labels).</summary>
    [GeneratedRegex(@"(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{")]
    private static partial Regex Selector();
}
