using HotlineGrains.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace HotlineGrains.Floor.Tests;

/// <summary>
/// The two consoles on the demo floor at 1920×1080: everything an agent or a supervisor works with
/// is on the screen without scrolling the page, and the screenshots go to docs/screenshots
/// (linked from the README).
/// </summary>
public sealed class ConsoleScreenshotTests(ChromiumFixture chromium, DemoFloorFixture floor, ITestOutputHelper output)
    : IClassFixture<ChromiumFixture>, IClassFixture<DemoFloorFixture>
{
    private const string Plaza = "weibang-plaza";

    [Fact]
    public async Task The_supervisor_console_shows_the_projects_open_tickets_and_agents_on_a_1920x1080_screen()
    {
        using var api = new FloorApi(floor.Gateway);
        var open = await api.OpenTicketsAsync(Plaza, "supervisor-gc");
        await using var supervisor = await ConsolePage.OpenAsync(chromium, floor.Gateway.Address, "/supervisor.html?user=supervisor-gc");

        await Expect(supervisor.Page.Locator("[data-testid=\"ticket-rows\"] tr")).ToHaveCountAsync(open.Count);
        await Expect(supervisor.Page.Locator("[data-testid=\"agent-rows\"] [data-agent-id]")).ToHaveCountAsync(2);
        await Expect(supervisor.TestId("who")).ToContainTextAsync("supervisor-gc");

        // A ticket's action panel open, as a supervisor about to reassign it.
        var breached = open.First(t => t.GetProperty("slaState").GetString() == "Breached").GetProperty("number").GetString()!;
        await supervisor.TestId($"reassign-{breached}").ClickAsync();
        await Expect(supervisor.TestId("reassign-submit")).ToBeEnabledAsync();
        await supervisor.TestId("reassign-agent").SelectOptionAsync("agent-gc-2");
        await supervisor.TestId("reassign-reason").FillAsync("超时未答复,改由李娜跟进");

        await AssertOnScreenAsync(supervisor.Page, "ticket-rows", "agent-rows", "reassign-submit", "escalate-submit", "filter-at-risk");
        await CaptureAsync(supervisor.Page, "supervisor-console.png");
    }

    [Fact]
    public async Task The_agent_console_shows_the_call_the_handling_form_and_the_agents_tickets_on_a_1920x1080_screen()
    {
        using var api = new FloorApi(floor.Gateway);
        // The register is a supervisor's read; the agent's own tickets are the ones assigned to them.
        var mine = (await api.OpenTicketsAsync(Plaza, "supervisor-gc"))
            .Where(t => t.TryGetProperty("agent", out var a) && a.GetString() == "agent-gc-1").ToList();
        await using var agent = await ConsolePage.OpenAsync(chromium, floor.Gateway.Address, "/agent.html?user=agent-gc-1");

        await Expect(agent.Page.Locator("[data-testid=\"my-ticket-rows\"] [data-ticket-id]")).ToHaveCountAsync(mine.Count);
        await Expect(agent.TestId("my-presence")).ToHaveAttributeAsync("data-presence", "Available");
        await Expect(agent.TestId("greeting")).ToContainTextAsync("维邦广场");

        // An intake under way, and a reply held back by the forbidden-phrase check.
        await agent.TestId("intake-name").FillAsync("王建国");
        await agent.TestId("intake-honorific").SelectOptionAsync("先生");
        await agent.TestId("intake-unit").FillAsync("3-2-1201");
        await agent.TestId("intake-phone").FillAsync("13812345678");
        await agent.TestId("intake-category").SelectOptionAsync("停车");
        await agent.TestId("intake-content").FillAsync("地下车库B区车位被他人长期占用,要求物业处理。");
        await agent.TestId($"reply-to-{mine[0].GetProperty("number").GetString()}").ClickAsync();
        await agent.TestId("reply-text").FillAsync("这不关我的事,您找保安吧。");
        await agent.TestId("reply-send").ClickAsync();
        await Expect(agent.TestId("forbidden-warning")).ToBeVisibleAsync();

        await AssertOnScreenAsync(agent.Page, "presence-buttons", "call-start", "hold-start", "phrases", "intake-submit", "my-ticket-rows", "reply-send-anyway");
        await CaptureAsync(agent.Page, "agent-console.png");
    }

    /// <summary>The page does not scroll, and each of these is inside the 1920×1080 screen.</summary>
    private static async Task AssertOnScreenAsync(IPage page, params string[] testIds)
    {
        await page.EvaluateAsync("() => document.fonts.ready");
        var size = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight, innerWidth, innerHeight]");
        Assert.Equal((1920, 1080), (size[2], size[3]));
        Assert.True(size[0] <= size[2] && size[1] <= size[3], $"the page scrolls: {size[0]}×{size[1]}");
        foreach (var id in testIds)
        {
            var box = await page.Locator(WallboardPage.TestId(id)).BoundingBoxAsync();
            Assert.True(box is not null, $"{id} is not shown");
            Assert.True(box.X >= 0 && box.Y >= 0 && box.X + box.Width <= 1920.5 && box.Y + box.Height <= 1080.5,
                $"{id} is off the screen: {box.X},{box.Y} {box.Width}×{box.Height}");
        }
    }

    private async Task CaptureAsync(IPage page, string name)
    {
        var file = Path.Combine(Repository.Root, "docs", "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = false });
        output.WriteLine($"screenshot: {file}");
    }
}
