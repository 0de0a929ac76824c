using System.Globalization;
using System.Net;
using System.Text.Json;
using HotlineGrains.Contracts;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests.Projects;

/// <summary>
/// The project grain's own reminders: the line watch (LineSilent when no inbound call comes for
/// the configured service time, seed 000 §八.3) and the summary made when the service day ends
/// (seed 000 §八.10), fed by call events from the phone switch.
/// </summary>
public abstract class LineWatchAndDailySummaryTests(string provider) : ClockedGateway(provider)
{
    [Fact]
    public async Task The_line_is_reported_silent_after_30_minutes_of_service_time_without_a_call()
    {
        await Configure("line-watch", lineSilenceAlert: "00:30:00");

        var first = await SilenceAt(Start.AddMinutes(30));
        Assert.Equal((Start, TimeSpan.FromMinutes(30), "line-watch"), (first.LastCallAt, first.SilentFor, first.ProjectId));

        // A call at 09:45 restarts the watch: the next alert is at 10:15, not 10:00.
        Clock.AdvanceTo(Start.AddMinutes(45));
        await Call("line-watch", "c-1", "Ringing", Now);
        var afterCall = await SilenceAt(Start.AddMinutes(75));
        Assert.Equal((Start.AddMinutes(45), TimeSpan.FromMinutes(30)), (afterCall.LastCallAt, afterCall.SilentFor));

        // Still silent: reported again every 30 minutes, with the silence growing.
        var again = await SilenceAt(Start.AddMinutes(105));
        Assert.Equal(TimeSpan.FromMinutes(60), again.SilentFor);
        await SilenceAt(Start.AddMinutes(135));

        // The lunch break (12:00–13:30) is not service time: a call at 11:40 is followed by an alert at 13:40.
        Clock.AdvanceTo(Start.AddMinutes(160));
        await Call("line-watch", "c-2", "Ringing", Now);
        var overLunch = await SilenceAt(At("2026-03-02T05:40Z"));
        Assert.Equal((At("2026-03-02T03:40Z"), TimeSpan.FromMinutes(30)), (overLunch.LastCallAt, overLunch.SilentFor));
    }

    [Fact]
    public async Task Call_events_and_tickets_of_the_day_go_into_the_summary_made_when_service_ends()
    {
        // A long silence limit keeps the line watch out of this test.
        await Configure("summary", lineSilenceAlert: "1.00:00:00");
        await Call("summary", "c-1", "Ringing", Now);
        await Call("summary", "c-1", "Answered", Now.AddSeconds(2)); // within two rings
        await Call("summary", "c-2", "Ringing", Now.AddSeconds(10));
        await Call("summary", "c-2", "Answered", Now.AddSeconds(18)); // late
        await Call("summary", "c-3", "Ringing", Now.AddSeconds(20));
        await Call("summary", "c-3", "Abandoned", Now.AddSeconds(40));
        await Call("summary", "c-4", "Ringing", Now.AddSeconds(50));
        await Call("summary", "c-4", "Answered", Now.AddSeconds(51));
        await Api.Intake("summary", HotlineApi.Complaint());

        using (var early = await Api.Client.GetAsync("/api/projects/summary/summaries/daily?date=2026-03-02"))
        {
            Assert.Equal(HttpStatusCode.NotFound, early.StatusCode);
        }

        // The last service period ends at 17:30 Shanghai.
        Clock.AdvanceTo(At("2026-03-02T09:30Z"));
        DailySummaryReady? ready = null;
        await Eventually.Until(() => (ready = Published.All.OfType<DailySummaryReady>().FirstOrDefault(e => e.ProjectId == "summary")) is not null,
            "DailySummaryReady published");
        Assert.Equal((new DateOnly(2026, 3, 2), At("2026-03-02T09:30Z"), 1, 4, 3, 1),
            (ready!.ServiceDate, ready.OccurredAt, ready.TicketsReceived, ready.CallsOffered, ready.CallsAnswered, ready.CallsAbandoned));

        var summary = await Api.Get("/api/projects/summary/summaries/daily?date=2026-03-02");
        Assert.Equal(4, summary.GetProperty("callsOffered").GetInt32());
        Assert.Equal(0.75, summary.GetProperty("answerRate").GetDouble(), 6);
        Assert.False(summary.GetProperty("answerRateMet").GetBoolean()); // 75% is not above 85%
        Assert.Equal(0.5, summary.GetProperty("serviceLevel").GetDouble(), 6);
        Assert.Equal((1, 0), (summary.GetProperty("ticketsReceived").GetInt32(), summary.GetProperty("lineSilentAlerts").GetInt32()));

        // The next day starts from zero.
        Clock.AdvanceTo(At("2026-03-03T09:30Z"));
        await Eventually.Until(() => Published.All.OfType<DailySummaryReady>().Any(e => e.ProjectId == "summary" && e.ServiceDate == new DateOnly(2026, 3, 3)),
            "the second day's summary");
        var tuesday = await Api.Get("/api/projects/summary/summaries/daily?date=2026-03-03");
        Assert.Equal((0, 0), (tuesday.GetProperty("callsOffered").GetInt32(), tuesday.GetProperty("ticketsReceived").GetInt32()));
        Assert.Equal(JsonValueKind.Null, tuesday.GetProperty("answerRate").ValueKind);
    }

    private Task Configure(string projectId, string lineSilenceAlert) => Api.Put($"/api/projects/{projectId}", new
    {
        name = "测试项目",
        greeting = "您好,这里是维邦物业客服中心,为您服务",
        ticketPrefix = "T",
        lineSilenceAlert,
    });

    private async Task Call(string projectId, string callId, string kind, DateTimeOffset at)
    {
        using var response = await Api.Send(HttpMethod.Post, $"/api/projects/{projectId}/calls", new { callId, @event = kind, at }, user: "switch");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>Moves the clock to <paramref name="at"/> and waits for the LineSilent raised then (and only then).</summary>
    private async Task<LineSilent> SilenceAt(DateTimeOffset at)
    {
        Clock.AdvanceTo(at);
        LineSilent? found = null;
        var ours = () => Published.All.OfType<LineSilent>().Where(e => e.ProjectId == "line-watch");
        await Eventually.Until(() => (found = ours().FirstOrDefault(e => e.OccurredAt == at)) is not null, $"LineSilent at {at:HH:mm}Z");
        Assert.Equal(found, ours().Last());
        return found!;
    }

    private static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);
}

public sealed class SqliteLineWatchAndDailySummaryTests() : LineWatchAndDailySummaryTests("Sqlite");

public sealed class PostgresLineWatchAndDailySummaryTests() : LineWatchAndDailySummaryTests("Postgres");
