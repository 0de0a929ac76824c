using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HotlineGrains.Contracts;
using HotlineGrains.Testing;
using HotlineGrains.Grains.Projects;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using Orleans;
using static HotlineGrains.Gateway.Tests.HotlineApi;

namespace HotlineGrains.Gateway.Tests.Reports;

/// <summary>
/// A known month (issue 12): five tickets through every outcome (founded and closed, unfounded,
/// reopened after an unsatisfied callback, left to breach, an inquiry answered on the call), three
/// calls (answered in time, answered late, abandoned), then the reports of the day and the month
/// checked figure by figure against what was worked out by hand, as JSON, CSV and XLSX.
/// The default calendar: Monday to Friday 08:00–12:00 and 13:30–17:30, Shanghai; clock starts Monday 2 March 2026, 09:00.
/// </summary>
public abstract class MonthReportTests(string provider) : ClockedGateway(provider)
{
    private const string Project = "weibang-plaza";

    [Fact]
    public async Task A_known_month_gives_the_hand_computed_figures()
    {
        await BuildTheMonth();

        var month = await Api.Get($"/api/reports/month/2026-03?project={Project}");
        var t = month.GetProperty("tickets");
        Assert.Equal((5, 0), (Int(t, "received"), Int(t, "urgent")));
        Assert.Equal("""{"Complaint":4,"Inquiry":1}""", t.GetProperty("byKind").GetRawText());
        Assert.Equal("""{"Phone":4,"Web":1}""", t.GetProperty("byChannel").GetRawText());
        Assert.Equal(4, t.GetProperty("byCategory").GetProperty("维修").GetInt32()); // T1, T3, T4 and the inquiry
        Assert.Equal(1, t.GetProperty("byCategory").GetProperty("服务态度").GetInt32());
        Assert.Equal(4, t.GetProperty("byStatus").GetProperty("Closed").GetInt32());
        Assert.Equal("""{"weibang-plaza":5}""", t.GetProperty("byProject").GetRawText());
        Assert.Equal("""{"(none)":2,"工程部":2,"秩序部":1}""", t.GetProperty("byDepartment").GetRawText());
        Assert.Equal("""{"agent-1001":4,"agent-1002":1}""", t.GetProperty("byAgent").GetRawText());
        // Founded: T1 and T3; unfounded: T2; never verified: T4 (the inquiry is no complaint).
        Assert.Equal((2, 1, 1), (Int(t, "complaintsFounded"), Int(t, "complaintsUnfounded"), Int(t, "complaintsNotVerified")));
        Assert.Equal((1, 4), (Int(t, "reopened"), Int(t, "closed")));

        // First reply (complaints only; the earlier of the notice and the resolution): T1 resolved at 10:00 (60
        // working minutes), T2 notified at 10:00 (60), T3 notified at 10:45 (105: its reopening took the
        // resolution back), T4 never (missed at 11:00).
        var firstReply = t.GetProperty("firstReply");
        Assert.Equal((4, 3, 1, 0), (Int(firstReply, "tickets"), Int(firstReply, "met"), Int(firstReply, "missed"), Int(firstReply, "open")));
        Assert.Equal((60.0, 105.0, 0.75), (Dbl(firstReply, "medianMinutes"), Dbl(firstReply, "p90Minutes"), Dbl(firstReply, "complianceRate")));
        // Target (1 working day) and deadline (3): T1 met after 60, T3 after 150 (resolved again at 11:30),
        // T4 missed / breached (Thursday 09:00), T2 unfounded and closed without needing it: open.
        foreach (var clock in new[] { "target", "deadline" })
        {
            var c = t.GetProperty(clock);
            Assert.Equal((4, 2, 1, 1), (Int(c, "tickets"), Int(c, "met"), Int(c, "missed"), Int(c, "open")));
            Assert.Equal((60.0, 150.0, 2.0 / 3), (Dbl(c, "medianMinutes"), Dbl(c, "p90Minutes"), Dbl(c, "complianceRate")));
        }

        Assert.Equal("""{"Closed":4,"Received":1}""", t.GetProperty("byStatus").GetRawText());
        Assert.Equal((3, "{\"General\":5}"), (Int(t, "resolved"), t.GetProperty("bySeverity").GetRawText()));

        // Callbacks of the month's tickets: T1 1, T2 1, T3 2 attempts; all three ended satisfied.
        var callbacks = t.GetProperty("callbacks");
        Assert.Equal((4, 3, 0, 0), (Int(callbacks, "attempts"), Int(callbacks, "satisfied"), Int(callbacks, "unsatisfied"), Int(callbacks, "unreachable")));
        Assert.Equal(1.0, Dbl(callbacks, "satisfaction"));
        Assert.Equal("""["还有一盏灯不亮"]""", callbacks.GetProperty("unsatisfiedReasons").GetRawText());

        // Activity as the daily summaries count it: each callback on its day, the breach on Thursday.
        var a = month.GetProperty("activity");
        Assert.Equal((5, 4, 1), (Int(a, "ticketsReceived"), Int(a, "ticketsClosed"), Int(a, "slaBreaches")));
        Assert.Equal((3, 1, 0), (Int(a, "callbacksSatisfied"), Int(a, "callbacksUnsatisfied"), Int(a, "callbacksUnreachable")));
        Assert.Equal((3, 1, 2, 1), (Int(a, "callsOffered"), Int(a, "callsAnsweredInTime"), Int(a, "callsAnswered"), Int(a, "callsAbandoned")));
        Assert.Equal(2.0 / 3, Dbl(a, "answerRate"), 9);
        Assert.False(a.GetProperty("answerRateMet").GetBoolean()); // 66.7% is not above 85%
        Assert.Equal(1.0 / 3, Dbl(a, "serviceLevel"), 9);
        Assert.Equal(20.0, Dbl(a, "longestWaitSeconds")); // c-3 rang 20 s before the caller gave up

        // The day report of Monday has the daily summary's numbers.
        var day = await Api.Get($"/api/reports/day/2026-03-02?project={Project}");
        var summary = await Api.Get($"/api/projects/{Project}/summaries/daily?date=2026-03-02");
        var activity = day.GetProperty("activity");
        foreach (var name in new[] { "ticketsReceived", "ticketsClosed", "callsOffered", "callsAnswered", "callsAbandoned", "callbacksSatisfied", "callbacksUnsatisfied" })
        {
            Assert.True(summary.GetProperty(name).GetInt32() == activity.GetProperty(name).GetInt32(), name);
        }

        Assert.Equal(Dbl(summary, "answerRate"), Dbl(activity, "answerRate"));
        Assert.Equal(Dbl(summary, "serviceLevel"), Dbl(activity, "serviceLevel"));

        // The week 2026-W10 (2–8 March) holds the same tickets; February none.
        Assert.Equal(5, Int((await Api.Get($"/api/reports/week/2026-W10?project={Project}")).GetProperty("tickets"), "received"));
        Assert.Equal(0, Int((await Api.Get($"/api/reports/range?from=2026-02-01&to=2026-02-28&project={Project}")).GetProperty("tickets"), "received"));

        // Per department and per agent: only the tickets forwarded to 工程部; calls are not per department.
        var engineering = await Api.Get($"/api/reports/month/2026-03?project={Project}&department=%E5%B7%A5%E7%A8%8B%E9%83%A8");
        Assert.Equal(2, Int(engineering.GetProperty("tickets"), "received"));
        Assert.Equal(JsonValueKind.Null, engineering.GetProperty("activity").ValueKind);
        Assert.Equal(1, Int((await Api.Get($"/api/reports/month/2026-03?project={Project}&agent=agent-1002")).GetProperty("tickets"), "received"));

        // CSV and XLSX carry the same numbers.
        var csv = Encoding.UTF8.GetString(await Export("text/csv"));
        Assert.StartsWith("\uFEFF概要 Summary\r\n", csv, StringComparison.Ordinal);
        Assert.Contains("\r\n受理工单 Tickets received,5\r\n", csv, StringComparison.Ordinal);
        Assert.Contains("\r\n首次答复 First reply,4,3,1,0,60,105,0.75\r\n", csv, StringComparison.Ordinal);

        using var xlsx = new MemoryStream(await Export("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
        Assert.Contains("服务时限 SLA", MiniExcel.GetSheetNames(xlsx));
        var sla = xlsx.Query(useHeaderRow: true, sheetName: "服务时限 SLA").Cast<IDictionary<string, object>>().ToList();
        var first = sla.Single(r => (string)r["时钟 Clock"] == "首次答复 First reply");
        Assert.Equal((4.0, 3.0, 60.0, 0.75), (Convert.ToDouble(first["工单 Tickets"], CultureInfo.InvariantCulture), Convert.ToDouble(first["达标 Met"], CultureInfo.InvariantCulture),
            Convert.ToDouble(first["中位数分钟 Median min"], CultureInfo.InvariantCulture), Convert.ToDouble(first["达标率 Compliance"], CultureInfo.InvariantCulture)));
        Assert.IsType<double>(first["达标 Met"]); // a number, not text
        var calls = xlsx.Query(useHeaderRow: true, sheetName: "话务 Calls").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(3.0, Convert.ToDouble(calls.Single(r => (string)r["统计项 Metric"] == "呼入 Offered")["数值 Value"], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Periods_follow_the_projects_calendar_and_time_zone()
    {
        // Tuesday 3 March is a holiday of this project.
        await Api.Put("/api/projects/holiday", new
        {
            name = "假日项目",
            greeting = "您好,这里是维邦物业客服中心,为您服务",
            ticketPrefix = "H",
            calendar = new { holidays = new[] { "2026-03-03" } },
        });

        // Received Monday 16:30, answered Wednesday 08:30 (Shanghai): 60 + 0 + 30 working minutes, within
        // the 2-hour first reply. Without the holiday it would be 570 minutes and missed.
        Clock.AdvanceTo(new DateTimeOffset(2026, 3, 2, 8, 30, 0, TimeSpan.Zero));
        var ticket = await Api.Intake("holiday", Complaint());
        Clock.AdvanceTo(new DateTimeOffset(2026, 3, 4, 0, 30, 0, TimeSpan.Zero));
        await Api.Step(ticket, "reply", new { text = "王先生您好,已安排工程部处理。" });

        // Received 1 April 00:30 Shanghai (still 31 March in UTC): April's, not March's.
        Clock.AdvanceTo(new DateTimeOffset(2026, 3, 31, 16, 30, 0, TimeSpan.Zero));
        await Api.Intake("holiday", Complaint());

        var march = await Api.Get("/api/reports/month/2026-03?project=holiday");
        var firstReply = march.GetProperty("tickets").GetProperty("firstReply");
        Assert.Equal((1, 1, 0, 90.0), (Int(march.GetProperty("tickets"), "received"), Int(firstReply, "met"), Int(firstReply, "missed"), Dbl(firstReply, "medianMinutes")));
        Assert.Equal(1, Int((await Api.Get("/api/reports/month/2026-04?project=holiday")).GetProperty("tickets"), "received"));
        Assert.Equal(1, Int((await Api.Get("/api/reports/day/2026-04-01?project=holiday")).GetProperty("tickets"), "received"));
        Assert.Equal(0, Int((await Api.Get("/api/reports/day/2026-03-31?project=holiday")).GetProperty("tickets"), "received"));
    }

    [Fact]
    public async Task A_month_is_added_up_once_when_it_ends_in_the_projects_time_zone()
    {
        await Api.Intake(Project, Complaint());
        await Call("m-1", "Ringing", Now);
        await Call("m-1", "Answered", Now.AddSeconds(2));
        await Call("m-2", "Ringing", Now.AddSeconds(5));
        await Call("m-2", "Abandoned", Now.AddSeconds(9));

        // 1 April 00:00 in Shanghai is 31 March 16:00 UTC.
        var monthEnd = new DateTimeOffset(2026, 3, 31, 16, 0, 0, TimeSpan.Zero);
        Clock.AdvanceTo(monthEnd);
        MonthlyReportReady? ready = null;
        await Eventually.Until(() => (ready = Published.All.OfType<MonthlyReportReady>().SingleOrDefault(e => e.ProjectId == Project)) is not null,
            "MonthlyReportReady of March");
        Assert.Equal(("2026-03", monthEnd, 1, 2, 1, 1, 0.5), (ready!.Month, ready.OccurredAt, ready.TicketsReceived, ready.CallsOffered, ready.CallsAnswered, ready.CallsAbandoned, ready.AnswerRate));

        var stored = await Services.GetRequiredService<IGrainFactory>().GetGrain<IProjectGrain>(Project).GetMonth(new DateOnly(2026, 3, 1));
        Assert.Equal(("2026-03", 1, 2), (stored!.Month, stored.TicketsReceived, stored.CallsOffered));

        // The next month end is armed: April's report on 1 May 00:00 Shanghai, March's not again.
        Clock.AdvanceTo(new DateTimeOffset(2026, 4, 30, 16, 0, 0, TimeSpan.Zero));
        await Eventually.Until(() => Published.All.OfType<MonthlyReportReady>().Any(e => e.ProjectId == Project && e.Month == "2026-04"), "April's report");
        Assert.Single(Published.All.OfType<MonthlyReportReady>(), e => e.ProjectId == Project && e.Month == "2026-03");
    }

    [Fact]
    public async Task A_caller_sees_only_the_figures_of_their_own_projects()
    {
        await Api.Intake(Project, Complaint());
        var all = await Api.Get("/api/reports/day/2026-03-02");
        Assert.Contains(Project, all.GetProperty("projects").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(1, Int(all.GetProperty("tickets"), "received"));

        // A supervisor of another project: Plaza is not there at all, nor counted; asked for by name it does not exist.
        Api.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            Factory.TokenFor("supervisor-other", roles: ["supervisor"], projects: ["weibang-olympic-garden"]));
        var theirs = await Api.Get("/api/reports/day/2026-03-02");
        Assert.DoesNotContain(Project, theirs.GetProperty("projects").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(0, Int(theirs.GetProperty("tickets"), "received"));
        using var refused = await Api.Client.GetAsync($"/api/reports/day/2026-03-02?project={Project}");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
    }

    [Theory]
    [InlineData("/api/reports/day/2026-02-30", "date")]
    [InlineData("/api/reports/week/2026-W54", "week")]
    [InlineData("/api/reports/month/2026-13", "month")]
    [InlineData("/api/reports/range?from=2026-03-01", "to")]
    [InlineData("/api/reports/range?from=2026-03-10&to=2026-03-01", "to")]
    [InlineData("/api/reports/month/2026-03?colour=red", "colour")]
    [InlineData("/api/reports/day/2026-03-02?from=2026-03-01", "from")]
    [InlineData("/api/reports/month/2026-03?department=", "department")]
    public async Task Bad_input_is_a_400_naming_the_field(string path, string field)
    {
        using var response = await Api.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
    }

    private async Task<byte[]> Export(string mediaType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/month/2026-03?project={Project}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        using var response = await Api.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private async Task BuildTheMonth()
    {
        var t1 = await Api.Intake(Project, Complaint());
        var t2 = await Api.Intake(Project, Complaint(c => c["category"] = "服务态度"));
        var t3 = await Api.Intake(Project, Complaint());
        var t4 = await Api.Intake(Project, Complaint(c => c["receivingAgent"] = "agent-1002"), user: "agent-1002");
        await Api.Intake(Project, Complaint(c => (c["kind"], c["channel"], c["answeredOnCall"]) = ("Inquiry", "Web", true)));
        await Call("c-1", "Ringing", Now);
        await Call("c-1", "Answered", Now.AddSeconds(2));
        await Call("c-2", "Ringing", Now.AddSeconds(10));
        await Call("c-2", "Answered", Now.AddSeconds(18));
        await Call("c-3", "Ringing", Now.AddSeconds(30));
        await Call("c-3", "Abandoned", Now.AddSeconds(50));

        Clock.AdvanceTo(Start.AddMinutes(10));
        t1 = await Api.Step(t1, "forward", new { department = "工程部" });
        t2 = await Api.Step(t2, "forward", new { department = "秩序部" });
        t3 = await Api.Step(t3, "forward", new { department = "工程部" });
        Clock.AdvanceTo(Start.AddMinutes(30));
        t1 = await Api.Step(t1, "verify", new { founded = true, findings = "镇流器损坏。", solvableAtOnce = true }, user: "dept-engineering");
        t2 = await Api.Step(t2, "verify", new { founded = false, findings = "门岗用语规范。" }, user: "dept-security");
        t3 = await Api.Step(t3, "verify", new { founded = true, findings = "灯具老化。", solvableAtOnce = true }, user: "dept-engineering");
        Clock.AdvanceTo(Start.AddMinutes(60));
        t1 = await Api.Step(t1, "resolve", new { plan = "更换镇流器", result = "已修复", handler = "赵师傅" }, user: "dept-engineering");
        t3 = await Api.Step(t3, "resolve", new { plan = "更换灯管", result = "已更换", handler = "赵师傅" }, user: "dept-engineering");
        t2 = await Api.Step(t2, "notify-customer", new { message = "经核实门岗按规定登记访客。" });
        Clock.AdvanceTo(Start.AddMinutes(90));
        t1 = await Api.Step(t1, "notify-customer", new { message = "已修复。" });
        Clock.AdvanceTo(Start.AddMinutes(105));
        t3 = await Api.Step(t3, "notify-customer", new { message = "已更换。" });
        Clock.AdvanceTo(Start.AddMinutes(120));
        await Api.Step(t1, "record-callback", new { outcome = "Satisfied" });
        await Api.Step(t2, "record-callback", new { outcome = "Satisfied" });
        t3 = await Api.Step(t3, "record-callback", new { outcome = "Unsatisfied", note = "还有一盏灯不亮" });
        Clock.AdvanceTo(Start.AddMinutes(150));
        t3 = await Api.Step(t3, "resolve", new { plan = "检查线路", result = "已紧固", handler = "赵师傅" }, user: "dept-engineering");
        Clock.AdvanceTo(Start.AddMinutes(160));
        t3 = await Api.Step(t3, "notify-customer", new { message = "线路已修好。" });
        Clock.AdvanceTo(Start.AddMinutes(170));
        await Api.Step(t3, "record-callback", new { outcome = "Satisfied" });

        // Closes and callbacks reach the project's counters as grain messages through the outbox: let them
        // arrive before the summary is made (one relayed after 17:30 counts in the day, not in the summary).
        await Eventually.Until(async () =>
        {
            var today = (await Api.Get($"/api/reports/day/2026-03-02?project={Project}")).GetProperty("activity");
            return Int(today, "ticketsClosed") == 4 && Int(today, "callbacksSatisfied") == 3 && Int(today, "callbacksUnsatisfied") == 1;
        }, "Monday's closes and callbacks counted by the project");

        // Monday's summary at 17:30, then T4's deadline passes on Thursday 09:00.
        Clock.AdvanceTo(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));
        await Eventually.Until(() => Published.All.OfType<DailySummaryReady>().Any(e => e.ProjectId == Project && e.ServiceDate == new DateOnly(2026, 3, 2)), "Monday's summary");
        Clock.AdvanceTo(new DateTimeOffset(2026, 3, 5, 2, 0, 0, TimeSpan.Zero));
        await WaitFor<TicketSlaBreached>(Id(t4));
        await Eventually.Until(async () => Int((await Api.Get($"/api/reports/month/2026-03?project={Project}")).GetProperty("activity"), "slaBreaches") == 1,
            "the breach counted by the project");
    }

    private async Task Call(string callId, string kind, DateTimeOffset at)
    {
        using var response = await Api.Send(HttpMethod.Post, $"/api/projects/{Project}/calls", new { callId, @event = kind, at }, user: "switch");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static int Int(JsonElement e, string name) => e.GetProperty(name).GetInt32();

    private static double Dbl(JsonElement e, string name) => e.GetProperty(name).GetDouble();
}

public sealed class SqliteMonthReportTests() : MonthReportTests("Sqlite");

public sealed class PostgresMonthReportTests() : MonthReportTests("Postgres");
