using System.Net;
using System.Text.RegularExpressions;
using HotlineGrains.Gateway.Operations;
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
    public async Task The_scrape_endpoint_shows_tickets_steps_calls_and_the_outbox_after_a_scripted_day()
    {
        await Api.Put($"/api/projects/{Project}", new { name = "测试项目", greeting = "您好,这里是维邦物业客服中心,为您服务", ticketPrefix = "M" });
        var first = await Api.Intake(Project, HotlineApi.Complaint());
        await Api.Intake(Project, HotlineApi.Complaint());
        await Api.Step(first, "forward", new { department = "工程部" });
        await Call("c-1", "Ringing");
        await Call("c-1", "Answered");
        await Call("c-2", "Ringing");
        await Call("c-2", "Abandoned");

        // The management port: the test support gives each gateway one of its own, as it does the silo ports.
        var scrape = new Uri($"http://localhost:{Services.GetRequiredService<IOptions<ManagementOptions>>().Value.Port}/metrics");
        var metrics = string.Empty;
        await Eventually.Until(async () =>
        {
            metrics = await Api.Client.GetStringAsync(scrape);
            return Value(metrics, "hotline_calls_total", "event=\"abandoned\"", $"project=\"{Project}\"") >= 1
                && Value(metrics, "hotline_ticket_steps_total", $"project=\"{Project}\"", "step=\"TicketForwarded\"") >= 1;
        }, "the day's figures on the scrape endpoint");

        Assert.Equal(2, Value(metrics, "hotline_tickets_recorded_total", $"project=\"{Project}\""));
        Assert.Equal(2, Value(metrics, "hotline_calls_total", "event=\"offered\"", $"project=\"{Project}\""));
        Assert.Equal(1, Value(metrics, "hotline_calls_total", "event=\"answered\"", $"project=\"{Project}\""));
        Assert.Equal(1, Value(metrics, "hotline_calls_total", "event=\"abandoned\"", $"project=\"{Project}\""));
        Assert.Equal(1, Value(metrics, "hotline_ticket_steps_total", $"project=\"{Project}\"", "step=\"TicketForwarded\""));
        Assert.True(Value(metrics, "hotline_outbox_relay_lag_seconds_count") >= 2);
        Assert.NotNull(Value(metrics, "hotline_outbox_backlog"));
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("orleans_", metrics, StringComparison.Ordinal);
        Assert.Contains("dotnet_", metrics, StringComparison.Ordinal);
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

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
