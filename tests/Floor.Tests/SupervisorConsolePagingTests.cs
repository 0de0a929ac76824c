using System.Diagnostics;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace HotlineGrains.Floor.Tests;

/// <summary>
/// The supervisor console at a large operator's scale (issue 13): 10,000 open tickets of one
/// project, written straight into storage, paged and filtered by the server; a new ticket still
/// shows within a second and a lost delta does not lose it. The seeded tickets are all agent-gc-2's
/// or nobody's, so filtering on agent-gc-1 shows the tickets the test records itself.
/// </summary>
public sealed class SupervisorConsolePagingTests(ChromiumFixture chromium, SupervisorConsolePagingTests.TenThousand floor, ITestOutputHelper output)
    : IClassFixture<ChromiumFixture>, IClassFixture<SupervisorConsolePagingTests.TenThousand>
{
    private const string Plaza = "weibang-plaza";
    private const int PageSize = 50;
    private static readonly TimeSpan OnScreen = TimeSpan.FromSeconds(1);
    private static readonly string[] Risky = ["AtRisk", "Breached", "Missed"];

    private ILocator Rows(ConsolePage page) => page.Page.Locator("[data-testid=\"ticket-rows\"] tr");

    private Task<ConsolePage> OpenAsync(Func<IPage, Task>? prepare = null) =>
        ConsolePage.OpenAsync(chromium, floor.Gateway.Address, $"/supervisor.html?user=supervisor-gc&project={Plaza}", prepare: prepare);

    private static async Task<List<string>> NumbersAsync(ILocator rows) =>
        [.. (await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.testid)")).Select(id => id["ticket-".Length..])];

    [Fact]
    public async Task The_supervisor_pages_through_ten_thousand_open_tickets_in_deadline_order()
    {
        await using var supervisor = await OpenAsync();
        var rows = Rows(supervisor);
        var expected = await floor.InDeadlineOrderAsync();
        var pages = (expected.Count + PageSize - 1) / PageSize;

        await Expect(supervisor.TestId("ticket-count")).ToContainTextAsync($"{expected.Count} open", new() { Timeout = 10_000 });
        await Expect(supervisor.TestId("page-label")).ToHaveTextAsync($"1 / {pages}");
        Assert.Equal(expected.Take(PageSize), await NumbersAsync(rows));

        await supervisor.TestId("page-next").ClickAsync();
        await Expect(supervisor.TestId("page-label")).ToHaveTextAsync($"2 / {pages}");
        await Expect(supervisor.TestId($"ticket-{expected[PageSize]}")).ToBeVisibleAsync();
        Assert.Equal(expected.Skip(PageSize).Take(PageSize), await NumbersAsync(rows));

        var clicked = Stopwatch.GetTimestamp();
        await supervisor.TestId("page-last").ClickAsync();
        await Expect(supervisor.TestId($"ticket-{expected[^1]}")).ToBeVisibleAsync();
        output.WriteLine($"last page of {expected.Count:N0} on screen {Stopwatch.GetElapsedTime(clicked).TotalMilliseconds:0} ms after the click");
        await Expect(supervisor.TestId("page-label")).ToHaveTextAsync($"{pages} / {pages}");
        Assert.Equal(expected.Skip((pages - 1) * PageSize), await NumbersAsync(rows));
        await Expect(supervisor.TestId("page-next")).ToBeDisabledAsync();
    }

    [Fact]
    public async Task A_filter_change_lists_the_first_page_of_the_matching_tickets_and_counts_them()
    {
        await using var supervisor = await OpenAsync();
        var rows = Rows(supervisor);
        await Expect(supervisor.TestId("ticket-count")).ToContainTextAsync("open", new() { Timeout = 10_000 });
        var matching = floor.Seeded.Where(r => r.Severity == "Complex" && Risky.Contains(r.SlaState)).ToList();
        var expected = TenThousand.Order(matching);
        var open = (await floor.InDeadlineOrderAsync()).Count;

        await supervisor.TestId("filter-severity").SelectOptionAsync("Complex");
        var changed = Stopwatch.GetTimestamp();
        await supervisor.TestId("filter-at-risk").CheckAsync();

        await Expect(supervisor.TestId("ticket-count")).ToContainTextAsync($"{matching.Count} of {open} shown");
        await Expect(supervisor.TestId($"ticket-{expected[0]}")).ToBeVisibleAsync();
        output.WriteLine($"{matching.Count} matching of {floor.Seeded.Count:N0}: on screen {Stopwatch.GetElapsedTime(changed).TotalMilliseconds:0} ms after the change");
        Assert.Equal(expected.Take(PageSize), await NumbersAsync(rows));
        Assert.All(await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.severity)"), s => Assert.Equal("Complex", s));
        Assert.All(await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.sla)"), s => Assert.Contains(s, Risky));

        await supervisor.TestId("filter-clear").ClickAsync();
        await Expect(supervisor.TestId("ticket-count")).ToContainTextAsync($"{open} open");
        Assert.Equal((await floor.InDeadlineOrderAsync()).Take(PageSize), await NumbersAsync(rows));
    }

    [Fact]
    public async Task A_new_ticket_shows_within_a_second_among_ten_thousand_and_a_lost_delta_does_not_lose_the_next()
    {
        var dropper = new DeltaDropper();
        await using var supervisor = await OpenAsync(dropper.AttachAsync);
        await supervisor.TestId("filter-agent").SelectOptionAsync("agent-gc-1");
        var agent = await floor.Gateway.TokenAsync("agent-gc-1");

        var (ticket, answeredAt) = await floor.Gateway.RecordComplaintAsync(Plaza, agent, "7号楼消防通道被杂物堵塞。");
        var number = ticket.GetProperty("number").GetString()!;
        await supervisor.Page.WaitForSelectorAsync(WallboardPage.Ticket(number), new() { State = WaitForSelectorState.Visible, Timeout = 5_000 });
        var took = Stopwatch.GetElapsedTime(answeredAt);
        output.WriteLine($"new ticket on the console {took.TotalMilliseconds:0} ms after the API answered (its delta after {(dropper.LastDeltaAt - answeredAt) * 1000.0 / Stopwatch.Frequency:0} ms), among {floor.Seeded.Count:N0} open");
        Assert.True(took < OnScreen, $"took {took.TotalMilliseconds:0} ms");

        dropper.DropNextDelta();
        var (lost, _) = await floor.Gateway.RecordComplaintAsync(Plaza, agent, "地下车库B区照明灯坏了三盏。");
        await Eventually.Until(() => dropper.Dropped == 1, "a delta lost on its way to the page");
        var (next, _) = await floor.Gateway.RecordComplaintAsync(Plaza, agent, "5号楼电梯按键失灵。");

        foreach (var shown in new[] { lost, next })
        {
            await Expect(supervisor.TestId($"ticket-{shown.GetProperty("number").GetString()}")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        }

        Assert.Equal(1, dropper.Dropped);
        await supervisor.TestId("filter-agent").SelectOptionAsync(string.Empty);
        await Expect(supervisor.TestId("ticket-count")).ToContainTextAsync($"{(await floor.InDeadlineOrderAsync()).Count} open");
    }

    /// <summary>A gateway without the demo floor and 10,000 open tickets of <see cref="Plaza"/> in its storage.</summary>
    public sealed class TenThousand : IAsyncLifetime
    {
        public const int Count = 10_000;

        private FloorGateway? gateway;

        public FloorGateway Gateway => gateway ?? throw new InvalidOperationException("not started");

        public IReadOnlyList<TicketRegisterRow> Seeded { get; private set; } = [];

        /// <summary>Numbers as the console lists them: next deadline first, none last, then received, then id.</summary>
        public static List<string> Order(IEnumerable<(string Number, DateTimeOffset? Due, DateTimeOffset Received, string Id)> rows) =>
            [.. rows.OrderBy(r => r.Due ?? DateTimeOffset.MaxValue).ThenBy(r => r.Received).ThenBy(r => r.Id, StringComparer.Ordinal).Select(r => r.Number)];

        public static List<string> Order(IEnumerable<TicketRegisterRow> rows) => Order(rows.Select(r => (r.Number, r.NextDueAt, r.ReceivedAt, r.TicketId)));

        /// <summary>
        /// Every open ticket of the project in the console's order: the seeded ones and those another
        /// test of the class recorded (agent-gc-1's, read back through the API).
        /// </summary>
        public async Task<List<string>> InDeadlineOrderAsync()
        {
            var recorded = await Gateway.GetAsync($"/api/projects/{Plaza}/open-tickets?agent=agent-gc-1&pageSize=200", await Gateway.TokenAsync("supervisor-gc"));
            var theirs = recorded.GetProperty("items").EnumerateArray().Select(t => (
                t.GetProperty("number").GetString()!,
                t.TryGetProperty("nextDueAt", out var due) && due.ValueKind == System.Text.Json.JsonValueKind.String ? due.GetDateTimeOffset() : (DateTimeOffset?)null,
                t.GetProperty("receivedAt").GetDateTimeOffset(),
                t.GetProperty("ticketId").GetString()!));
            return Order(Seeded.Select(r => (r.Number, r.NextDueAt, r.ReceivedAt, r.TicketId)).Concat(theirs));
        }

        public async Task InitializeAsync()
        {
            gateway = await FloorGateway.StartAsync(demoFloor: false);
            // Without the demo floor there are no agents: the console's agent filter lists the board's.
            using (var api = new FloorApi(gateway))
            {
                foreach (var (id, workNumber, name) in new[] { ("agent-gc-1", "1001", "张敏"), ("agent-gc-2", "1002", "李娜") })
                {
                    var (status, _, body) = await api.SendAsync(HttpMethod.Put, $"/api/agents/{id}", "admin", new { workNumber, name, projects = new[] { Plaza }, departments = Array.Empty<string>() });
                    Assert.True(status == System.Net.HttpStatusCode.OK, $"registering {id}: {(int)status} {body}");
                }
            }

            Seeded = OpenTicketSeed.Rows(Plaza, "GC", Count, DateTimeOffset.UtcNow, ["agent-gc-2"], ["工程部", "秩序部", "保洁部"]);
            await gateway.SeedAsync(Seeded);
        }

        public async Task DisposeAsync()
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }
        }
    }
}
