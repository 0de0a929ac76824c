using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HotlineGrains.Floor.Tests;

/// <summary>
/// The agent console in Chromium on the demo floor: the forbidden-phrase warning before a reply,
/// own presence, the hold and call timers (on Playwright's clock), and the intake form.
/// Each test uses agents and tickets of its own, so the order they run in does not matter.
/// </summary>
public sealed partial class AgentConsoleTests(ChromiumFixture chromium, DemoFloorFixture floor)
    : IClassFixture<ChromiumFixture>, IClassFixture<DemoFloorFixture>
{
    private const string Plaza = "weibang-plaza";
    private const string Garden = "weibang-olympic-garden";
    private const string Jining = "jining-shiji-jiayuan";

    [Fact]
    public async Task The_forbidden_phrase_warning_names_the_phrase_before_a_reply_is_sent()
    {
        using var api = new FloorApi(floor.Gateway);
        var ticket = await api.RecordComplaintAsync(Plaza, "agent-gc-1", "业主反映楼道灯不亮。");
        var id = ticket.GetProperty("id").GetString()!;
        var number = ticket.GetProperty("number").GetString()!;
        await using var agent = await ConsolePage.OpenAsync(chromium, floor.Gateway.Address, "/agent.html?user=agent-gc-1");

        await agent.TestId($"reply-to-{number}").ClickAsync();
        await Expect(agent.TestId("reply-ticket")).ToHaveValueAsync(id);
        // Full-width punctuation: the project's list says 你问我,我问谁 and the check ignores punctuation.
        await agent.TestId("reply-text").FillAsync("你问我，我问谁！楼道灯的事明天再说。");
        await agent.TestId("reply-send").ClickAsync();

        await Expect(agent.TestId("forbidden-warning")).ToBeVisibleAsync();
        await Expect(agent.TestId("forbidden-phrase")).ToHaveTextAsync(["「你问我,我问谁」"]);
        await Expect(agent.TestId("reply-result")).ToContainTextAsync("not sent");
        var (unsent, _) = await api.TicketAsync(id, "agent-gc-1");
        Assert.Empty(unsent.GetProperty("replies").EnumerateArray());

        // Editing the text takes the warning away: a changed reply is checked again.
        await agent.TestId("reply-text").FillAsync("你问我，我问谁！这不关我的事。");
        await Expect(agent.TestId("forbidden-warning")).ToBeHiddenAsync();
        await agent.TestId("reply-send").ClickAsync();
        await Expect(agent.TestId("forbidden-phrase")).ToHaveTextAsync(["「你问我,我问谁」", "「这不关我的事」"]);

        // Sent anyway, on purpose: the reply goes, flagged with what was found.
        await agent.TestId("reply-send-anyway").ClickAsync();
        await Expect(agent.TestId("reply-result")).ToContainTextAsync($"已发送 Sent to {number}");
        await Expect(agent.TestId("forbidden-warning")).ToBeHiddenAsync();
        var (sent, _) = await api.TicketAsync(id, "agent-gc-1");
        var reply = Assert.Single(sent.GetProperty("replies").EnumerateArray());
        Assert.Equal("你问我，我问谁！这不关我的事。", reply.GetProperty("text").GetString());
        Assert.Equal(["你问我,我问谁", "这不关我的事"], reply.GetProperty("forbiddenPhrases").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task A_reply_without_forbidden_phrases_is_sent_at_once()
    {
        using var api = new FloorApi(floor.Gateway);
        var ticket = await api.RecordComplaintAsync(Plaza, "agent-gc-1", "业主咨询车位续租。");
        var id = ticket.GetProperty("id").GetString()!;
        var number = ticket.GetProperty("number").GetString()!;
        await using var agent = await ConsolePage.OpenAsync(chromium, floor.Gateway.Address, "/agent.html?user=agent-gc-1");

        await agent.TestId($"reply-to-{number}").ClickAsync();
        await agent.TestId("reply-text").FillAsync("王先生您好,车位续租请于本周内到物业服务中心办理,感谢您的来电。");
        await agent.TestId("reply-send").ClickAsync();

        await Expect(agent.TestId("reply-result")).ToHaveTextAsync($"已发送 Sent to {number}");
        await Expect(agent.TestId("forbidden-warning")).ToBeHiddenAsync();
        await Expect(agent.TestId("reply-text")).ToHaveValueAsync(string.Empty);
        var (sent, _) = await api.TicketAsync(id, "agent-gc-1");
        var reply = Assert.Single(sent.GetProperty("replies").EnumerateArray());
        Assert.Empty(reply.GetProperty("forbiddenPhrases").EnumerateArray());
        Assert.Equal("agent-gc-1", reply.GetProperty("by").GetString());
    }

    [Fact]
    public async Task An_agent_sets_their_own_presence_and_it_shows_on_their_console_and_the_supervisors()
    {
        using var api = new FloorApi(floor.Gateway);
        await using var agent = await ConsolePage.OpenAsync(chromium, floor.Gateway.Address, "/agent.html?user=agent-sj-1");
        await using var supervisor = await ConsolePage.OpenAsync(chromium, floor.Gateway.Address, "/supervisor.html?user=supervisor-sj");
        await Expect(agent.TestId("my-presence")).ToHaveAttributeAsync("data-presence", "Available");
        await Expect(supervisor.TestId("agent-agent-sj-1")).ToHaveAttributeAsync("data-presence", "Available");

        await agent.TestId("presence-Break").ClickAsync();

        await Expect(agent.TestId("my-presence")).ToHaveAttributeAsync("data-presence", "Break");
        await Expect(agent.TestId("my-presence-label")).ToHaveTextAsync("Break 小休");
        await Expect(agent.TestId("presence-Break")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(agent.TestId("presence-Available")).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(agent.TestId("my-presence-since")).ToHaveTextAsync(new Regex("^00:0[0-5]$"));
        await Expect(supervisor.TestId("agent-agent-sj-1")).ToHaveAttributeAsync("data-presence", "Break", new() { Timeout = 5_000 });
        await Expect(supervisor.TestId("agent-agent-sj-1-state")).ToHaveTextAsync("Break 小休");
        var record = await api.GetAsync("/api/agents/agent-sj-1", "supervisor-sj");
        Assert.Equal("Break", record.GetProperty("presence").GetString());

        await agent.TestId("presence-Available").ClickAsync();
        await Expect(supervisor.TestId("agent-agent-sj-1")).ToHaveAttributeAsync("data-presence", "Available", new() { Timeout = 5_000 });
        await Expect(agent.TestId("my-presence")).ToHaveAttributeAsync("data-presence", "Available");
    }

    [Fact]
    public async Task The_hold_timer_prompts_the_hold_phrase_at_60_seconds()
    {
        using var api = new FloorApi(floor.Gateway);
        var project = await api.GetAsync($"/api/projects/{Garden}", "agent-al-1");
        var holdPhrase = project.GetProperty("phrases").GetProperty("hold").GetString()!;
        await using var agent = await ConsolePage.OpenAsync(chromium, floor.Gateway.Address, "/agent.html?user=agent-al-1", fakeClock: true);
        var prompt = agent.TestId("hold-prompt");
        await PauseClockAsync(agent.Page);

        await agent.TestId("call-start").ClickAsync();
        await Expect(agent.TestId("hold-start")).ToBeEnabledAsync();
        await agent.TestId("hold-start").ClickAsync();
        await Expect(agent.TestId("phrase-hold")).ToHaveAttributeAsync("data-now", "true");
        await Expect(prompt).ToBeHiddenAsync();

        await agent.Page.Clock.FastForwardAsync("00:58");
        await Expect(agent.TestId("hold-timer")).ToHaveTextAsync("00:58");
        await Expect(prompt).ToBeHiddenAsync();

        await agent.Page.Clock.FastForwardAsync("00:03");
        await Expect(prompt).ToBeVisibleAsync();
        await Expect(agent.TestId("hold-prompt-phrase")).ToHaveTextAsync(holdPhrase);

        // Told: the next minute on hold counts from now.
        await agent.TestId("hold-told").ClickAsync();
        await Expect(prompt).ToBeHiddenAsync();
        await Expect(agent.TestId("hold-timer")).ToHaveTextAsync("00:00");
        await agent.Page.Clock.FastForwardAsync("01:01");
        await Expect(prompt).ToBeVisibleAsync();

        // Taken off hold: no prompt, whatever the time.
        await agent.TestId("hold-end").ClickAsync();
        await Expect(prompt).ToBeHiddenAsync();
        await agent.Page.Clock.FastForwardAsync("02:00");
        await Expect(agent.TestId("hold-timer")).ToHaveTextAsync("--:--");
        await Expect(prompt).ToBeHiddenAsync();
    }

    [Fact]
    public async Task The_call_timer_suggests_an_on_site_work_order_at_5_minutes_and_the_form_creates_and_dispatches_it()
    {
        using var api = new FloorApi(floor.Gateway);
        await using var agent = await ConsolePage.OpenAsync(chromium, floor.Gateway.Address, "/agent.html?user=agent-al-2", fakeClock: true);
        var suggestion = agent.TestId("work-order-suggestion");
        await Expect(agent.TestId("greeting")).ToContainTextAsync("奥林花园");
        await PauseClockAsync(agent.Page);

        await agent.TestId("call-start").ClickAsync();
        await agent.Page.Clock.FastForwardAsync("04:58");
        await Expect(agent.TestId("call-timer")).ToHaveTextAsync("04:58");
        await Expect(suggestion).ToBeHiddenAsync();

        await agent.Page.Clock.FastForwardAsync("00:03");
        await Expect(suggestion).ToBeVisibleAsync();
        await Expect(suggestion).ToContainTextAsync("生单转现场");

        await agent.TestId("work-order-create").ClickAsync();
        await Expect(suggestion).ToBeHiddenAsync();
        await Expect(agent.TestId("intake-kind")).ToHaveValueAsync("Repair");
        await Expect(agent.TestId("intake-form")).ToHaveAttributeAsync("data-mode", "work-order");
        await Expect(agent.TestId("intake-submit")).ToContainTextAsync("Create work order");

        // Time flows again for the rest: the page reconnects and draws the new ticket on its list.
        await agent.Page.Clock.ResumeAsync();

        await agent.TestId("intake-name").FillAsync("刘芳");
        await agent.TestId("intake-honorific").SelectOptionAsync("女士");
        await agent.TestId("intake-unit").FillAsync("7-1-502");
        await agent.TestId("intake-phone").FillAsync("13987654321");
        await agent.TestId("intake-category").SelectOptionAsync("维修");
        await agent.TestId("intake-content").FillAsync("热水器漏电跳闸,电话指导复位无效。");
        await agent.TestId("intake-department").SelectOptionAsync("工程部");
        await agent.TestId("intake-submit").ClickAsync();

        await Expect(agent.TestId("intake-result")).ToContainTextAsync("已生单转现场 dispatched to 工程部", new() { Timeout = 10_000 });
        var number = TicketNumber().Match(await agent.TextAsync("intake-result")).Value;
        var row = agent.TestId($"my-ticket-{number}");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 10_000 });
        var (ticket, _) = await api.TicketAsync((await row.GetAttributeAsync("data-ticket-id"))!, "agent-al-2");
        Assert.Equal("Repair", ticket.GetProperty("kind").GetString());
        Assert.Equal("InProgress", ticket.GetProperty("status").GetString());
        Assert.Equal("工程部", ticket.GetProperty("department").GetString());
        Assert.Contains(ticket.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("what").GetString() == "Dispatched on site");
    }

    [Fact]
    public async Task The_handling_form_shows_the_projects_greeting_phrases_and_lists_and_records_a_complaint_on_the_agents_own_list()
    {
        using var api = new FloorApi(floor.Gateway);
        var project = await api.GetAsync($"/api/projects/{Jining}", "agent-sj-2");
        await using var agent = await ConsolePage.OpenAsync(chromium, floor.Gateway.Address, "/agent.html?user=agent-sj-2");

        await Expect(agent.TestId("greeting")).ToHaveTextAsync(project.GetProperty("greeting").GetString()!);
        var phrases = project.GetProperty("phrases");
        await Expect(agent.TestId("phrase-hold")).ToContainTextAsync(phrases.GetProperty("hold").GetString()!);
        await Expect(agent.TestId("phrase-transfer")).ToContainTextAsync(phrases.GetProperty("transfer").GetString()!);
        await Expect(agent.TestId("phrase-closing")).ToContainTextAsync(phrases.GetProperty("closing").GetString()!);
        var categories = project.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var departments = project.GetProperty("departments").EnumerateArray().Select(d => d.GetString()!).ToArray();
        Assert.Equal(categories, (await agent.TestId("intake-category").Locator("option").AllTextContentsAsync()).Skip(1));
        Assert.Equal(departments, (await agent.TestId("intake-department").Locator("option").AllTextContentsAsync()).Skip(1));
        await Expect(agent.TestId("intake-agent")).ToHaveTextAsync("SJ02 赵磊");

        await agent.TestId("intake-name").FillAsync("王建国");
        await agent.TestId("intake-honorific").SelectOptionAsync("先生");
        // The cannot-answer phrase addresses the customer by surname (SPEC §2).
        await Expect(agent.TestId("phrase-cannot-answer")).ToContainTextAsync("王先生,您的问题我已经记录下来");
        await agent.TestId("intake-unit").FillAsync("3-2-1201");
        await agent.TestId("intake-phone").FillAsync("13812345678");
        await agent.TestId("intake-kind").SelectOptionAsync("Complaint");
        await agent.TestId("intake-category").SelectOptionAsync("安全");
        await agent.Page.Locator("[data-testid=\"intake-severity\"] input[value=\"Complex\"]").CheckAsync();
        await agent.TestId("intake-urgent").CheckAsync();
        await agent.TestId("intake-department").SelectOptionAsync("秩序部");
        await agent.TestId("intake-content").FillAsync("单元门禁损坏,陌生人随意进出。");
        await agent.TestId("intake-submit").ClickAsync();

        await Expect(agent.TestId("intake-result")).ToContainTextAsync("已登记 Recorded SJ-", new() { Timeout = 10_000 });
        var number = TicketNumber().Match(await agent.TextAsync("intake-result")).Value;
        var row = agent.TestId($"my-ticket-{number}");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 5_000 });
        await Expect(row.Locator("[data-due]")).ToHaveTextAsync(new Regex(@"^−?((\d+:)?\d\d:\d\d|\d+天\d+时)$"));
        await Expect(agent.TestId("intake-name")).ToHaveValueAsync(string.Empty);

        var (ticket, _) = await api.TicketAsync((await row.GetAttributeAsync("data-ticket-id"))!, "agent-sj-2");
        Assert.Equal(number, ticket.GetProperty("number").GetString());
        Assert.Equal("agent-sj-2", ticket.GetProperty("agent").GetString());
        Assert.Equal("Complaint", ticket.GetProperty("kind").GetString());
        Assert.Equal("Complex", ticket.GetProperty("severity").GetString());
        Assert.True(ticket.GetProperty("urgent").GetBoolean());
        Assert.Equal("Phone", ticket.GetProperty("channel").GetString());
        Assert.Equal("安全", ticket.GetProperty("category").GetString());
        Assert.Equal("秩序部", ticket.GetProperty("department").GetString());
        Assert.Equal("王建国", ticket.GetProperty("customer").GetProperty("name").GetString());
        Assert.Equal("先生", ticket.GetProperty("customer").GetProperty("honorific").GetString());
        Assert.Equal("3-2-1201", ticket.GetProperty("customer").GetProperty("unitNumber").GetString());
    }

    /// <summary>
    /// Stops the page's time where it is (a second on), so the test alone moves it: a timer reads
    /// exactly what the test fast-forwarded, however slowly the machine runs.
    /// </summary>
    private static async Task PauseClockAsync(IPage page)
    {
        var now = await page.EvaluateAsync<double>("() => Date.now()");
        await page.Clock.PauseAtAsync(DateTimeOffset.FromUnixTimeMilliseconds((long)now + 1000).UtcDateTime);
    }

    [GeneratedRegex(@"[A-Z]+-\d{8}-\d{4}")]
    private static partial Regex TicketNumber();
}
