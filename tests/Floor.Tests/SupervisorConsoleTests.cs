using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace HotlineGrains.Floor.Tests;

/// <summary>
/// The supervisor console in Chromium on the demo floor: reassigning a live ticket reaches the
/// wallboard and the new agent's console, a stale reassignment is refused visibly, the filters,
/// and riding out a server restart.
/// </summary>
public sealed class SupervisorConsoleTests(ChromiumFixture chromium, DemoFloorFixture floor, ITestOutputHelper output)
    : IClassFixture<ChromiumFixture>, IClassFixture<DemoFloorFixture>
{
    private const string Plaza = "weibang-plaza";
    private const string Garden = "weibang-olympic-garden";
    private const string Jining = "jining-shiji-jiayuan";

    /// <summary>"Within a few seconds": from the supervisor's click to the other screens.</summary>
    private static readonly LocatorAssertionsToContainTextOptions FewSeconds = new() { Timeout = 5_000 };

    private static readonly LocatorAssertionsToHaveTextOptions FewSecondsExactly = new() { Timeout = 5_000 };

    [Fact]
    public async Task A_supervisor_reassigns_a_ticket_and_the_wallboard_and_the_new_agents_console_show_it()
    {
        using var api = new FloorApi(floor.Gateway);
        var ticket = await api.RecordComplaintAsync(Plaza, "agent-gc-1", "7号楼消防通道被杂物堵塞,多次反映未处理。");
        var id = ticket.GetProperty("id").GetString()!;
        var number = ticket.GetProperty("number").GetString()!;
        // Forwarded to 工程部 to verify: the ticket has a department as well as an agent, and the
        // wallboard must show the agent all the same.
        var (_, received) = await api.TicketAsync(id, "agent-gc-1");
        await api.StepAsync(id, "forward", new { department = "工程部" }, "agent-gc-1", received);

        await using var wallboard = await chromium.OpenAsync(floor.Gateway.Address, $"?project={Plaza}", 1920, 1080);
        await using var supervisor = await ConsolePage.OpenAsync(chromium, floor.Gateway.Address, "/supervisor.html?user=supervisor-gc");
        await using var newAgent = await ConsolePage.OpenAsync(chromium, floor.Gateway.Address, "/agent.html?user=agent-gc-2");

        // Before: the ticket is 张敏's (agent-gc-1) and 工程部's everywhere, and not on 李娜's (agent-gc-2) list.
        var wallRow = wallboard.Page.Locator(WallboardPage.Ticket(number));
        var wallAgent = wallboard.Page.Locator(WallboardPage.TestId($"agent-of-{number}"));
        var wallDepartment = wallboard.Page.Locator(WallboardPage.TestId($"department-of-{number}"));
        await Expect(wallAgent).ToHaveTextAsync("张敏", FewSecondsExactly);
        await Expect(wallDepartment).ToHaveTextAsync("工程部");
        await Expect(wallRow).ToContainTextAsync("转交核实");
        await Expect(supervisor.TestId($"agent-of-{number}")).ToContainTextAsync("张敏", FewSeconds);
        await Expect(supervisor.TestId($"ticket-{number}")).ToHaveAttributeAsync("data-department", "工程部");
        await Expect(newAgent.Page.Locator("[data-testid^=\"my-ticket-GC-\"]").First).ToBeVisibleAsync();
        await Expect(newAgent.TestId($"my-ticket-{number}")).ToHaveCountAsync(0);

        await supervisor.TestId($"reassign-{number}").ClickAsync();
        await Expect(supervisor.TestId("state-agent")).ToContainTextAsync("张敏");
        await Expect(supervisor.TestId("reassign-submit")).ToBeEnabledAsync();
        await supervisor.TestId("reassign-agent").SelectOptionAsync("agent-gc-2");
        await supervisor.TestId("reassign-reason").FillAsync("张敏小休,改由李娜跟进");
        var clicked = Stopwatch.GetTimestamp();
        await supervisor.TestId("reassign-submit").ClickAsync();

        await Expect(supervisor.TestId("action-notice")).ToContainTextAsync("已改派 Reassigned", FewSeconds);
        await Expect(supervisor.TestId("state-agent")).ToContainTextAsync("李娜");
        await Expect(wallAgent).ToHaveTextAsync("李娜", FewSecondsExactly);
        var onWallboard = Stopwatch.GetElapsedTime(clicked);
        await Expect(wallDepartment).ToHaveTextAsync("工程部");
        await Expect(wallRow).Not.ToContainTextAsync("张敏");
        await Expect(newAgent.TestId($"my-ticket-{number}")).ToBeVisibleAsync(new() { Timeout = 5_000 });
        var onConsole = Stopwatch.GetElapsedTime(clicked);
        await Expect(supervisor.TestId($"agent-of-{number}")).ToContainTextAsync("李娜", FewSeconds);
        output.WriteLine($"after the click: wallboard {onWallboard.TotalMilliseconds:0} ms, agent-gc-2's console {onConsole.TotalMilliseconds:0} ms");

        var (after, _) = await api.TicketAsync(id, "supervisor-gc");
        Assert.Equal("agent-gc-2", after.GetProperty("agent").GetString());
        Assert.Equal("工程部", after.GetProperty("department").GetString());
        Assert.Contains(after.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("what").GetString() == "Reassigned"
            && e.GetProperty("actor").GetString() == "supervisor-gc" && e.GetProperty("detail").GetString()!.Contains("张敏小休", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stale_reassignment_is_refused_visibly_and_the_console_shows_the_new_state()
    {
        using var api = new FloorApi(floor.Gateway);
        var ticket = await api.RecordComplaintAsync(Garden, "agent-al-1", "地库入口道闸抬杆太慢,高峰期排长队。");
        var id = ticket.GetProperty("id").GetString()!;
        var number = ticket.GetProperty("number").GetString()!;
        await using var supervisor = await ConsolePage.OpenAsync(chromium, floor.Gateway.Address, "/supervisor.html?user=supervisor-al");

        await supervisor.TestId($"reassign-{number}").ClickAsync();
        await Expect(supervisor.TestId("state-agent")).ToContainTextAsync("王芳");
        await Expect(supervisor.TestId("state-department")).ToHaveTextAsync("—");
        await Expect(supervisor.TestId("reassign-submit")).ToBeEnabledAsync();
        await supervisor.TestId("reassign-agent").SelectOptionAsync("agent-al-2");
        await supervisor.TestId("reassign-reason").FillAsync("转刘洋处理");

        // The console holds the version it read; meanwhile, at another desk, someone hands the ticket to 秩序部.
        var (_, etag) = await api.TicketAsync(id, "supervisor-al");
        await Expect(supervisor.TestId("state-version")).ToHaveTextAsync($"version 版本 {etag.Trim('"')}");
        await api.StepAsync(id, "reassign", new { reason = "业主要求秩序部处理", department = "秩序部" }, "supervisor-al", etag);

        await supervisor.TestId("reassign-submit").ClickAsync();

        var notice = supervisor.TestId("action-notice");
        await Expect(notice).ToHaveAttributeAsync("data-kind", "stale");
        await Expect(notice).ToContainTextAsync("已被他人修改 Changed by someone else");
        await Expect(notice).ToContainTextAsync("NOT applied");
        // The ticket as it is now: 秩序部, still 王芳's; the change is marked.
        await Expect(supervisor.TestId("state-department")).ToContainTextAsync("秩序部");
        await Expect(supervisor.TestId("state-department")).ToHaveAttributeAsync("data-changed", "true");
        await Expect(supervisor.TestId("state-agent")).ToContainTextAsync("王芳");
        await Expect(supervisor.TestId("state-agent")).ToHaveAttributeAsync("data-agent", "agent-al-1");
        await Expect(supervisor.TestId("state-timeline")).ToContainTextAsync("业主要求秩序部处理");

        // Nothing was overwritten, nor sent again behind the supervisor's back.
        var (now, nowETag) = await api.TicketAsync(id, "supervisor-al");
        Assert.Equal("agent-al-1", now.GetProperty("agent").GetString());
        Assert.Equal("秩序部", now.GetProperty("department").GetString());
        Assert.Single(now.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("what").GetString() == "Reassigned");
        await Expect(supervisor.TestId("state-version")).ToHaveTextAsync($"version 版本 {nowETag.Trim('"')}");
        // The list shows the new department too (it comes from the hub).
        await Expect(supervisor.TestId($"ticket-{number}")).ToHaveAttributeAsync("data-department", "秩序部");
    }

    [Fact]
    public async Task The_supervisor_filters_the_live_list_by_agent_and_by_tickets_at_risk()
    {
        using var api = new FloorApi(floor.Gateway);
        var open = await api.OpenTicketsAsync(Jining, "supervisor-sj");
        await using var supervisor = await ConsolePage.OpenAsync(chromium, floor.Gateway.Address, "/supervisor.html?user=supervisor-sj");
        var rows = supervisor.Page.Locator("[data-testid=\"ticket-rows\"] tr");
        await Expect(rows).ToHaveCountAsync(open.Count);

        await supervisor.TestId("filter-agent").SelectOptionAsync("agent-sj-2");
        var theirs = open.Where(t => AgentOf(t) == "agent-sj-2").ToList();
        Assert.NotEmpty(theirs);
        Assert.True(theirs.Count < open.Count, "the demo floor gives both agents tickets");
        await Expect(rows).ToHaveCountAsync(theirs.Count);
        Assert.All(await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.agent)"), agent => Assert.Equal("agent-sj-2", agent));
        await Expect(supervisor.TestId("agent-agent-sj-2")).ToHaveAttributeAsync("aria-pressed", "true");

        await supervisor.TestId("filter-agent").SelectOptionAsync(string.Empty);
        await supervisor.TestId("filter-at-risk").CheckAsync();
        string[] risky = ["AtRisk", "Breached", "Missed"];
        var atRisk = open.Where(t => t.TryGetProperty("slaState", out var s) && risky.Contains(s.GetString())).ToList();
        Assert.NotEmpty(atRisk);
        await Expect(rows).ToHaveCountAsync(atRisk.Count);
        Assert.All(await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.sla)"), sla => Assert.Contains(sla, risky));

        await supervisor.TestId("filter-clear").ClickAsync();
        await Expect(rows).ToHaveCountAsync(open.Count);
        await Expect(supervisor.TestId("ticket-count")).ToContainTextAsync($"{open.Count} open");
    }

    [Fact]
    public async Task The_supervisor_console_shows_offline_when_the_server_stops_and_recovers_on_its_own()
    {
        await using var gateway = await FloorGateway.StartAsync(demoFloor: false);
        await using var supervisor = await ConsolePage.OpenAsync(chromium, gateway.Address, "/supervisor.html?user=supervisor-gc");
        var (before, _) = await gateway.RecordComplaintAsync(Plaza, await gateway.TokenAsync("agent-gc-1"), "车库照明坏了");
        await Expect(supervisor.TestId($"ticket-{before.GetProperty("number").GetString()}")).ToBeVisibleAsync();
        await Expect(supervisor.TestId("offline-banner")).ToBeHiddenAsync();

        await gateway.StopAsync();

        await Expect(supervisor.TestId("offline-banner")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(supervisor.TestId("offline-banner")).ToContainTextAsync("OFFLINE");
        await Expect(supervisor.TestId("connection-state")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("reconnecting|offline"));

        // Same port and database, a new signing key: a new demo token and connection, found alone.
        await gateway.StartAgainAsync();

        await Expect(supervisor.TestId("offline-banner")).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await supervisor.WaitUntilLiveAsync(TimeSpan.FromSeconds(5));
        var (after, _) = await gateway.RecordComplaintAsync(Plaza, await gateway.TokenAsync("agent-gc-1"), "电梯按键失灵");
        await Expect(supervisor.TestId($"ticket-{after.GetProperty("number").GetString()}")).ToBeVisibleAsync();
        await Expect(supervisor.TestId("ticket-count")).ToContainTextAsync("2 open");
    }

    private static string? AgentOf(JsonElement ticket) =>
        ticket.TryGetProperty("agent", out var agent) && agent.ValueKind == JsonValueKind.String ? agent.GetString() : null;
}
