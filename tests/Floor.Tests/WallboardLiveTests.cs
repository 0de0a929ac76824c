using System.Diagnostics;
using HotlineGrains.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace HotlineGrains.Floor.Tests;

/// <summary>The wallboard in Chromium against a running gateway: live updates and riding out a restart.</summary>
public sealed class WallboardLiveTests(ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>
{
    private const string Plaza = "weibang-plaza";
    private static readonly TimeSpan OnScreen = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_ticket_created_through_the_API_shows_on_an_open_wallboard_within_a_second()
    {
        // Without the demo floor the board starts empty, so the new ticket's row is the one to appear.
        await using var gateway = await FloorGateway.StartAsync(demoFloor: false);
        await using var wallboard = await chromium.OpenAsync(gateway.Address, $"?project={Plaza}", 1920, 1080);
        var agent = await gateway.TokenAsync("agent-gc-1");

        var times = new List<TimeSpan>();
        foreach (var content in new[] { "地下车库B区照明灯坏了三盏,晚上很暗。", "5号楼电梯按键失灵。", "小区东门道闸不抬杆。" })
        {
            var (ticket, answeredAt) = await gateway.RecordComplaintAsync(Plaza, agent, content);
            var number = ticket.GetProperty("number").GetString()!;
            var row = await WaitForRowAsync(wallboard, number, answeredAt);
            times.Add(Stopwatch.GetElapsedTime(answeredAt));

            Assert.Equal("Running", await row.GetAttributeAsync("data-sla"));
            Assert.Contains("受理", await row.InnerTextAsync(), StringComparison.Ordinal);
        }

        output.WriteLine($"ticket on screen after the API answered: {string.Join(", ", times.Select(t => $"{t.TotalMilliseconds:0} ms"))}");
        Assert.All(times, time => Assert.True(time < OnScreen, $"took {time.TotalMilliseconds:0} ms"));
        Assert.Equal("3", await wallboard.TextAsync("open-tickets"));
    }

    [Fact]
    public async Task A_short_wallboard_is_sent_the_rows_it_can_show_and_counts_every_open_ticket()
    {
        await using var gateway = await FloorGateway.StartAsync(demoFloor: false);
        var agent = await gateway.TokenAsync("agent-gc-1");
        for (var i = 1; i <= 30; i++)
        {
            await gateway.RecordComplaintAsync(Plaza, agent, $"{i}号楼楼道灯不亮。");
        }

        // 300 px tall: the page asks for 25 rows (a row per 12 px, more than fit), so the server sends 25 of the 30.
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var wallboard = await chromium.OpenAsync(gateway.Address, $"?project={Plaza}", 1280, 300, page =>
        {
            page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) => received.Enqueue(frame.Text ?? string.Empty);
            return Task.CompletedTask;
        });

        await Assertions.Expect(wallboard.Page.Locator(WallboardPage.TestId("open-tickets"))).ToHaveTextAsync("30");
        Assert.Equal("30", (await wallboard.Page.Locator(WallboardPage.TestId("open-status-Received") + " b").TextContentAsync())?.Trim());
        var shown = await wallboard.Page.Locator(".row.ticket").CountAsync();
        var more = await wallboard.TextAsync("tickets-more");
        Assert.Equal($"+{30 - shown} more 更多", more);

        var joined = received.SelectMany(f => f.Split('\u001e')).Single(m => m.Contains("\"type\":3", StringComparison.Ordinal) && m.Contains("openTickets", StringComparison.Ordinal));
        Assert.Equal(25, joined.Split("\"ticketId\":").Length - 1);
    }

    [Fact]
    public async Task A_countdown_days_past_its_deadline_reads_in_days_and_hours_and_one_within_a_day_in_hours_minutes_and_seconds()
    {
        await using var gateway = await FloorGateway.StartAsync(demoFloor: false);
        await using var wallboard = await chromium.OpenAsync(gateway.Address, $"?project={Plaza}", 1920, 1080);
        var (ticket, answeredAt) = await gateway.RecordComplaintAsync(Plaza, await gateway.TokenAsync("agent-gc-1"), "3号楼楼道灯不亮。");
        var row = await WaitForRowAsync(wallboard, ticket.GetProperty("number").GetString()!, answeredAt);
        var countdown = wallboard.Page.Locator(WallboardPage.Ticket(ticket.GetProperty("number").GetString()!) + " [data-due]");
        var due = DateTimeOffset.Parse((await countdown.GetAttributeAsync("data-due"))!, System.Globalization.CultureInfo.InvariantCulture);

        // The page's clock, not the server's: the board keeps the due time and the page counts.
        await wallboard.Page.Clock.SetFixedTimeAsync(due.AddDays(4).AddHours(15).AddMinutes(20).UtcDateTime);
        await Assertions.Expect(countdown).ToHaveTextAsync("−4天15时");
        await wallboard.Page.Clock.SetFixedTimeAsync(due.AddHours(-23).AddMinutes(-5).AddSeconds(-7).UtcDateTime);
        await Assertions.Expect(countdown).ToHaveTextAsync("23:05:07");
        Assert.NotNull(row);
    }

    [Fact]
    public async Task A_wallboard_that_missed_a_change_asks_for_the_whole_board_and_shows_every_ticket()
    {
        await using var gateway = await FloorGateway.StartAsync(demoFloor: false);
        var dropNext = false;
        var dropped = 0;
        var askedForWhole = 0;
        await using var wallboard = await chromium.OpenAsync(gateway.Address, $"?project={Plaza}", 1920, 1080, page =>
            page.RouteWebSocketAsync("**/hubs/wallboard**", ws =>
            {
                // Between the page and the hub: count the page's requests for a whole board, and lose one delta on the way in.
                var server = ws.ConnectToServer();
                ws.OnMessage(frame =>
                {
                    if (frame.Text?.Contains("\"target\":\"Board\"", StringComparison.Ordinal) == true)
                    {
                        Interlocked.Increment(ref askedForWhole);
                    }

                    Forward(frame, server);
                });
                server.OnMessage(frame =>
                {
                    // One frame may carry several hub messages (a busy server flushes them together): lose one delta, pass the rest.
                    if (Volatile.Read(ref dropNext) && frame.Text is { } text && text.Contains("\"target\":\"BoardDelta\"", StringComparison.Ordinal))
                    {
                        Volatile.Write(ref dropNext, false);
                        Interlocked.Increment(ref dropped);
                        var messages = text.Split('\u001e').ToList();
                        messages.RemoveAt(messages.FindIndex(m => m.Contains("\"target\":\"BoardDelta\"", StringComparison.Ordinal)));
                        if (messages.Any(m => m.Length > 0))
                        {
                            ws.Send(string.Join('\u001e', messages));
                        }

                        return;
                    }

                    Forward(frame, ws);
                });
            }));
        var agent = await gateway.TokenAsync("agent-gc-1");

        // The first ticket's delta is lost; only a later one shows the page the gap, so the second ticket comes after the loss.
        Volatile.Write(ref dropNext, true);
        var (first, _) = await gateway.RecordComplaintAsync(Plaza, agent, "地下车库B区照明灯坏了三盏,晚上很暗。");
        await Eventually.Until(() => Volatile.Read(ref dropped) == 1, "a delta lost on its way to the page");
        var (second, _) = await gateway.RecordComplaintAsync(Plaza, agent, "5号楼电梯按键失灵。");

        foreach (var ticket in new[] { first, second })
        {
            await wallboard.Page.WaitForSelectorAsync(WallboardPage.Ticket(ticket.GetProperty("number").GetString()!),
                new PageWaitForSelectorOptions { State = WaitForSelectorState.Visible, Timeout = 10_000 });
        }

        Assert.Equal(1, Volatile.Read(ref dropped));
        Assert.True(Volatile.Read(ref askedForWhole) >= 1, "the page never asked for the whole board after the gap");
        Assert.Equal("2", await wallboard.TextAsync("open-tickets"));
    }

    private static void Forward(IWebSocketFrame frame, IWebSocketRoute to)
    {
        if (frame.Text is { } text)
        {
            to.Send(text);
        }
        else if (frame.Binary is { } binary)
        {
            to.Send(binary);
        }
    }

    [Fact]
    public async Task The_wallboard_shows_offline_when_the_server_stops_and_recovers_on_its_own()
    {
        await using var gateway = await FloorGateway.StartAsync(demoFloor: false);
        await using var wallboard = await chromium.OpenAsync(gateway.Address, $"?project={Plaza}", 1920, 1080);
        var agent = await gateway.TokenAsync("agent-gc-1");
        var (before, _) = await gateway.RecordComplaintAsync(Plaza, agent, "车库照明坏了");
        await wallboard.Page.WaitForSelectorAsync(WallboardPage.Ticket(before.GetProperty("number").GetString()!));
        Assert.False(await wallboard.OfflineBanner.IsVisibleAsync());

        await gateway.StopAsync();

        await wallboard.OfflineBanner.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 15_000 });
        Assert.Contains("OFFLINE", await wallboard.OfflineBanner.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains(await wallboard.StateAsync(), new[] { "reconnecting", "offline" });

        // Same port, same database; the embedded default makes up a new signing key, so the page
        // needs a new token as well as a new connection, and finds both alone.
        await gateway.StartAgainAsync();

        await wallboard.OfflineBanner.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden, Timeout = 30_000 });
        await wallboard.WaitUntilLiveAsync(TimeSpan.FromSeconds(5));
        Assert.True(await wallboard.Page.Locator(WallboardPage.Ticket(before.GetProperty("number").GetString()!)).IsVisibleAsync());

        // The board is live again, not a picture of the old one: a new ticket arrives.
        var (after, answeredAt) = await gateway.RecordComplaintAsync(Plaza, await gateway.TokenAsync("agent-gc-1"), "电梯按键失灵");
        await WaitForRowAsync(wallboard, after.GetProperty("number").GetString()!, answeredAt);
        Assert.Equal("2", await wallboard.TextAsync("open-tickets"));
    }

    /// <summary>Waits for the ticket's row until a second after the API answered; fails with what the page logged.</summary>
    private static async Task<IElementHandle> WaitForRowAsync(WallboardPage wallboard, string number, long answeredAt)
    {
        var left = OnScreen - Stopwatch.GetElapsedTime(answeredAt);
        try
        {
            var row = await wallboard.Page.WaitForSelectorAsync(WallboardPage.Ticket(number),
                new PageWaitForSelectorOptions { State = WaitForSelectorState.Visible, Timeout = (float)Math.Max(1, left.TotalMilliseconds) });
            return row!;
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{number} was not on the wallboard {OnScreen.TotalMilliseconds:0} ms after the API answered.\n{wallboard.Console}", exception);
        }
    }
}
