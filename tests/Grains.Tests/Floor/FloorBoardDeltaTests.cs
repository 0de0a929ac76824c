using System.Text.Json;
using HotlineGrains.Grains.Calendars;
using HotlineGrains.Grains.Floor;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Tickets;

namespace HotlineGrains.Grains.Tests.Floor;

/// <summary>
/// A board grain tells a node what changed, not the whole board: at a large operator's 10,000 open
/// tickets a one-ticket change is a message of a few hundred bytes, and applying it to the board
/// the node had gives the board the grain has.
/// </summary>
public sealed class FloorBoardDeltaTests
{
    private const string Project = "weibang-plaza";
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 6, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public void At_10000_open_tickets_a_one_ticket_change_is_said_in_under_2_kB_and_makes_the_grains_board()
    {
        var board = FloorBoard.From(Project, Sources(10_000));
        var before = board.Build(Now);

        var changed = Row(4_321) with { Status = "Forwarded", Department = "工程部", NextDueAt = Now.AddMinutes(1) };
        Assert.True(board.Apply(new BoardTicketChanged(2, TicketOnBoard.From(changed), null, null)));
        var delta = board.DeltaOf([changed.TicketId], [], Now, epoch: 7, fromSequence: 0, sequence: 1);

        var bytes = JsonSerializer.SerializeToUtf8Bytes(delta, Json).Length;
        Assert.True(bytes < 2048, $"a one-ticket delta of {bytes} bytes");
        Assert.True(JsonSerializer.SerializeToUtf8Bytes(before, Json).Length > 1_000_000, "the whole board it stands for is megabytes");
        Assert.Equal([changed.TicketId], delta.Tickets.Select(t => t.TicketId));
        Assert.Equal((10_000, 1), (delta.Counts!.Open, delta.Counts.ByStatus["Forwarded"]));
        Assert.Equal(Comparable(board.Build(Now)), Comparable(delta.ApplyTo(before with { Epoch = 7 })));
    }

    [Fact]
    public void A_ticket_that_closes_goes_as_removed_and_one_not_on_the_board_is_removed_too()
    {
        var board = FloorBoard.From(Project, Sources(3));
        var before = board.Build(Now);
        var closed = Row(1) with { Status = "Closed", ClosedAt = Now };
        board.Apply(new BoardTicketChanged(2, TicketOnBoard.From(closed), Now, Now));

        var delta = board.DeltaOf([closed.TicketId, "never-seen"], ["agent-gone"], Now, epoch: 7, fromSequence: 0, sequence: 1);

        Assert.Empty(delta.Tickets);
        Assert.Equal(["never-seen", closed.TicketId], delta.RemovedTickets);
        Assert.Equal(["agent-gone"], delta.RemovedAgents);
        Assert.Equal(2, delta.Counts!.Open);
        Assert.Equal(Comparable(board.Build(Now)), Comparable(delta.ApplyTo(before with { Epoch = 7 })));
    }

    private static string Comparable(ProjectBoard board) =>
        JsonSerializer.Serialize(board with { GeneratedAt = default, Epoch = 0, Sequence = 0 }, Json);

    private static BoardSources Sources(int openTickets) => new(
        new ProjectSettings { Name = "维邦广场", Greeting = "您好", TicketPrefix = "GC", Calendar = ServiceCalendar.Default },
        new ProjectFloor(0, null, new DayStats { Date = new DateOnly(2026, 3, 2) }, []),
        [.. Enumerable.Range(0, openTickets).Select(Row)],
        []);

    private static TicketRegisterRow Row(int i) => new(
        $"ticket-{i:00000}", $"GC-20260302-{i:0000}", Project, "Received", "Complaint", "General", false, "Phone", "维修",
        "agent-gc-1", null, Now.AddMinutes(-i % 600), "王先生", "3-2-1201", "138****8000", "楼道灯坏了三天,一直没人来修",
        null, null, null, null, 0, Now.AddHours(4).AddSeconds(i), "Running", null);
}
