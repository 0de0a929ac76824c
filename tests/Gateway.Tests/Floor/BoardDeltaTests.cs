using System.Text.Json;
using HotlineGrains.Gateway.Floor;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Grains.Floor;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests.Floor;

/// <summary>
/// Screens that join with <c>JoinLive</c> get numbered boards, then deltas: each one from the
/// sequence the screen has to the next, carrying only what changed, and applying them gives the
/// board the node has; a screen that finds a gap asks for the whole board.
/// </summary>
public sealed class BoardDeltaTests() : ClockedGateway("Sqlite")
{
    private const string Plaza = "weibang-plaza";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>One agent records more tickets in a minute here than an agent on the phone could.</summary>
    protected override void Configure(GatewayFactory gateway) => gateway.Settings["Limits:IntakePerMinute"] = "1000";

    [Fact]
    public async Task A_live_screen_gets_contiguous_deltas_of_what_changed_and_they_make_the_nodes_board()
    {
        await Api.Intake(Plaza, HotlineApi.Complaint());
        await using var screen = await Connect();
        var joined = (await screen.InvokeAsync("JoinLive", Plaza, 0)).EnumerateArray().Single().Deserialize<ProjectBoard>(Json)!;
        Assert.True(joined.Sequence > 0);
        Assert.Single(joined.OpenTickets);

        var number = (await Api.Intake(Plaza, HotlineApi.Complaint())).GetProperty("number").GetString();

        var board = joined;
        var deltas = new List<(BoardDelta Delta, int Bytes)>();
        while (!board.OpenTickets.Any(t => t.Number == number))
        {
            var (message, _) = await screen.NextAsync(WallboardHub.DeltaMethod);
            var delta = message.Deserialize<BoardDelta>(Json)!;
            Assert.Equal((board.Epoch, board.Sequence), (delta.Epoch, delta.FromSequence));
            Assert.True(delta.Sequence > delta.FromSequence);
            deltas.Add((delta, message.GetRawText().Length));
            board = delta.ApplyTo(board);
        }

        // Only the new ticket (and the agent whose count of open tickets moved) travel, not the board's other rows.
        Assert.All(deltas, d => Assert.DoesNotContain(d.Delta.Tickets, t => t.TicketId == joined.OpenTickets[0].TicketId));
        var whole = await screen.InvokeAsync("Board", Plaza);
        Assert.True(deltas.Max(d => d.Bytes) < whole.GetRawText().Length);

        // What the screen is sent, applied as a page applies it, and the whole board the node has agree once the node has no more to send.
        await Eventually.Until(async () =>
        {
            var now = (await screen.InvokeAsync("Board", Plaza)).Deserialize<ProjectBoard>(Json)!;
            while (board.Sequence < now.Sequence)
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var (target, message, _) = await screen.NextAnyAsync(deadline.Token);
                board = target == WallboardHub.DeltaMethod ? message.Deserialize<BoardDelta>(Json)!.ApplyTo(board) : message.Deserialize<ProjectBoard>(Json)!;
            }

            return Same(board, now);
        }, "what the screen was sent equals the node's board");
    }

    [Fact]
    public async Task A_screen_showing_20_rows_gets_the_first_25_of_60_open_tickets_the_counts_of_all_and_deltas_under_2_kB()
    {
        for (var i = 0; i < 60; i++)
        {
            await Api.Intake(Plaza, HotlineApi.Complaint());
        }

        await using var screen = await Connect();
        ProjectBoard whole = null!;
        await Eventually.Until(async () => (whole = (await screen.InvokeAsync("Board", Plaza)).Deserialize<ProjectBoard>(Json)!).OpenTickets.Count == 60,
            "the node's board has all 60 tickets");

        var joined = (await screen.InvokeAsync("JoinLive", Plaza, 20)).EnumerateArray().Single().Deserialize<ProjectBoard>(Json)!;
        Assert.Equal(whole.OpenTickets.Take(25).Select(t => t.TicketId), joined.OpenTickets.Select(t => t.TicketId));
        Assert.Equal((60, 60, 60), (joined.Counts!.Open, joined.Counts.ByStatus.Values.Sum(), joined.Counts.BySeverity.Values.Sum()));
        Assert.Equal(25, (await screen.InvokeAsync("Board", Plaza)).Deserialize<ProjectBoard>(Json)!.OpenTickets.Count);

        // The 61st ticket, received a minute later, is due last: off this screen's rows, so only the counts (and its agent) travel.
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Api.Intake(Plaza, HotlineApi.Complaint());
        var board = joined;
        while (board.Counts!.Open < 61)
        {
            var (message, _) = await screen.NextAsync(WallboardHub.DeltaMethod);
            Assert.True(message.GetRawText().Length < 2048, $"a delta of {message.GetRawText().Length} bytes");
            var delta = message.Deserialize<BoardDelta>(Json)!;
            Assert.Empty(delta.Tickets);
            board = delta.ApplyTo(board);
        }

        Assert.Equal(joined.OpenTickets, board.OpenTickets);
    }

    [Fact]
    public void A_screen_of_some_rows_gets_the_first_rows_in_board_order_and_the_newest_alerts()
    {
        var at = ClockedGateway.Start;
        var open = Enumerable.Range(0, 300)
            .Select(i => new TicketOnBoard($"t{i:000}", $"GC-{i:000}", i % 3 == 0 ? "Received" : "Forwarded", "Complaint", i % 2 == 0 ? "General" : "Serious",
                false, "agent-1", null, at, at.AddMinutes(i), i % 5 == 0 ? "Breached" : i % 5 == 1 ? "AtRisk" : "Running", i % 7 == 0 ? at.AddHours(300 - i) : null, 0))
            .ToList();
        var alerts = BoardFigures.Alerts(open, [], []);
        var board = new ProjectBoard(Plaza, "维邦广场", at, new CallBoard(0, null, 0, 0, 0, null, 0.85, null), [], open, 0, 0, null, alerts,
            Counts: BoardFigures.Counts(open, alerts.Count));

        var shown = board.Showing(WallboardHub.TierOf(30));

        Assert.Equal(open.Take(50), shown.OpenTickets);
        Assert.Equal(alerts.Take(ProjectBoard.MaxAlertsShown), shown.Alerts);
        Assert.Equal(board.Counts, shown.Counts);
        Assert.Equal((300, 100, 200, 150, 150, 60, 60, 60), (board.Counts!.Open, board.Counts.ByStatus["Received"], board.Counts.ByStatus["Forwarded"],
            board.Counts.BySeverity["General"], board.Counts.BySeverity["Serious"], board.Counts.AtRisk, board.Counts.Breached, board.Counts.Alerts));
        Assert.Equal((43, at.AddHours(6)), (board.Counts.CallbacksDue, board.Counts.NextCallbackAt));
        Assert.Same(board, board.Showing(0));
        Assert.Equal([0, 25, 25, 50, 200, 200], new[] { 0, 1, 25, 26, 101, 5000 }.Select(WallboardHub.TierOf));
    }

    [Fact]
    public void A_delta_between_two_boards_applied_to_the_first_gives_the_second()
    {
        var at = ClockedGateway.Start;
        TicketOnBoard Ticket(string id, int dueIn, string status = "Received") =>
            new(id, "GC-" + id, status, "Complaint", "General", false, "agent-1", null, at, at.AddMinutes(dueIn), "Running", null, 0);
        AgentOnBoard Agent(string id, string number, string presence = "Available") => new(id, number, "王芳", presence, at, false, 1);
        var calls = new CallBoard(0, null, 0, 0, 0, null, 0.85, null);
        var before = new ProjectBoard(Plaza, "维邦广场", at, calls,
            [Agent("a1", "1001"), Agent("a2", "1002")], [Ticket("t1", 10), Ticket("t2", 20), Ticket("t3", 30)], 0, 0, null, [], 7, 4);
        var after = new ProjectBoard(Plaza, "维邦广场", at.AddSeconds(1), calls with { Waiting = 2 },
            [Agent("a0", "1000"), Agent("a2", "1002", "Break")], [Ticket("t3", 5, "Forwarded"), Ticket("t1", 10), Ticket("t4", 40)], 1, 0, null,
            [new BoardAlert("LineSilent", at, "热线无来电")], 7, 9);

        var delta = BoardDelta.Between(before, after);

        Assert.Equal((4L, 9L), (delta.FromSequence, delta.Sequence));
        Assert.Equal(["t3", "t4"], delta.Tickets.Select(t => t.TicketId));
        Assert.Equal(["t2"], delta.RemovedTickets);
        Assert.Equal(["a0", "a2"], delta.Agents.Select(a => a.Id));
        Assert.Equal(["a1"], delta.RemovedAgents);
        Assert.True(Same(after, delta.ApplyTo(before)));
    }

    private static bool Same(ProjectBoard a, ProjectBoard b) =>
        JsonSerializer.Serialize(a with { GeneratedAt = default }, Json) == JsonSerializer.Serialize(b with { GeneratedAt = default }, Json);

    private Task<HubClient> Connect() =>
        Factory.ConnectToHubAsync(Factory.TokenFor("wallboard", [Roles.Display], [HotlineClaims.AllProjects], [], TimeSpan.FromDays(1)));
}
