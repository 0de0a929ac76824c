using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using HotlineGrains.Contracts;
using HotlineGrains.Testing;
using Microsoft.Extensions.Logging;

namespace HotlineGrains.Gateway.Tests.Operations;

/// <summary>
/// The lines a ticket writes to the log carry its id, number and project and the trace id, whichever
/// grain call wrote them, so an operator at 3 a.m. finds a ticket's whole story by one id.
/// </summary>
public sealed class TicketLogLinesTests() : ClockedGateway("Sqlite")
{
    private const string Project = "log-lines";

    private readonly CapturedLogs logs = new();

    protected override void Configure(GatewayFactory gateway) => gateway.Logs = logs;

    [Fact]
    public async Task A_ticket_recorded_through_the_api_logs_its_id_number_and_project_under_the_requests_trace_id()
    {
        await ConfigureProject();
        var trace = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{Project}/tickets") { Content = JsonContent.Create(HotlineApi.Complaint()) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Factory.TokenFor("agent-1001"));
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await Api.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ticket = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var line = await LineAbout(HotlineApi.Id(ticket), "Ticket recorded");
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal(ticket.GetProperty("number").GetString(), line["TicketNumber"]);
        Assert.Equal(Project, line["ProjectId"]);
        Assert.Equal(trace.ToString(), line["TraceId"]);
    }

    [Fact]
    public async Task A_breach_found_by_a_reminder_is_a_warning_with_the_tickets_ids_and_a_trace_id()
    {
        await ConfigureProject();
        var ticket = await Api.Intake(Project, HotlineApi.Complaint());
        var id = HotlineApi.Id(ticket);

        // One moment at a time: each firing plans the next.
        Clock.AdvanceTo(Start.AddMinutes(24));
        await WaitFor<TicketSlaWarning>(id, e => e.Clock == "Target");
        Clock.AdvanceTo(Start.AddMinutes(30));
        await WaitFor<TicketSlaTargetMissed>(id);
        Clock.AdvanceTo(Start.AddMinutes(48));
        await WaitFor<TicketSlaWarning>(id, e => e.Clock == "Deadline");
        Clock.AdvanceTo(Start.AddHours(1));

        var line = await LineAbout(id, "breached");
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal(ticket.GetProperty("number").GetString(), line["TicketNumber"]);
        Assert.Equal(Project, line["ProjectId"]);
        Assert.Matches("^[0-9a-f]{32}$", line["TraceId"]);
    }

    /// <summary>A short policy (target 30 minutes, deadline an hour), so a breach is an hour away.</summary>
    private Task ConfigureProject() => Api.Put($"/api/projects/{Project}", new
    {
        name = "测试项目",
        greeting = "您好,这里是维邦物业客服中心,为您服务",
        ticketPrefix = "L",
        serviceLevels = new { complaint = new { general = new { firstReply = (object?)null, target = new { minutes = 30 }, deadline = new { hours = 1 } } } },
    });

    private async Task<LogLine> LineAbout(string ticketId, string message)
    {
        LogLine? found = null;
        await Eventually.Until(
            () => (found = logs.Lines.FirstOrDefault(l => l["TicketId"] == ticketId && l.Message.Contains(message, StringComparison.Ordinal))) is not null,
            $"a log line of ticket {ticketId} saying \"{message}\"");
        return found!;
    }
}
