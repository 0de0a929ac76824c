using HotlineGrains.Grains.Floor;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Silo.Floor;

namespace HotlineGrains.Silo.Tests.Floor;

/// <summary>
/// A board grain that activates reads the register rows of the open window from storage: all of
/// them, however many pages they take, or its counts and its most overdue rows would be wrong.
/// </summary>
public sealed class BoardWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task A_board_built_from_storage_reads_every_open_ticket_of_the_window_however_many_pages_they_fill()
    {
        var register = new PagedRegister(Rows(BoardFigures.PageRows * 2 + 345));

        var rows = await BoardStore.WindowAsync("weibang-plaza", Now, register, CancellationToken.None);

        Assert.Equal(BoardFigures.PageRows * 2 + 345, rows.Select(r => r.TicketId).Distinct().Count());
        Assert.Equal(3, register.Queries);
        Assert.Contains(rows, r => r.TicketId == "T-00000");
    }

    [Fact]
    public async Task A_ticket_recorded_while_the_pages_are_read_comes_once_and_pushes_no_row_out()
    {
        var register = new PagedRegister(Rows(BoardFigures.PageRows + 10)) { RecordAfterFirstPage = Row(999_999, Now) };

        var rows = await BoardStore.WindowAsync("weibang-plaza", Now, register, CancellationToken.None);

        Assert.Equal(rows.Count, rows.Select(r => r.TicketId).Distinct().Count());
        Assert.Equal(BoardFigures.PageRows + 10, rows.Count(r => r.TicketId != "T-999999"));
    }

    [Fact]
    public async Task A_page_that_is_not_full_ends_the_reading()
    {
        var register = new PagedRegister(Rows(12));

        Assert.Equal(12, (await BoardStore.WindowAsync("weibang-plaza", Now, register, CancellationToken.None)).Count);
        Assert.Equal(1, register.Queries);
    }

    /// <summary><paramref name="count"/> rows, one a minute, the newest first as the register answers.</summary>
    private static List<TicketRegisterRow> Rows(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Row(i, Now.AddMinutes(-i - 1))).OrderByDescending(r => r.ReceivedAt)];

    private static TicketRegisterRow Row(int n, DateTimeOffset receivedAt) => new(
        $"T-{n:00000}", $"N{n}", "weibang-plaza", "Received", "Complaint", "Normal", false, "Phone", "物业服务", "agent-gc-1", null,
        receivedAt, "王先生", "1-101", "13800000000", "漏水", null, null, null, null, 0, receivedAt.AddHours(1), null, null);

    /// <summary>The register's paging as storage answers it: newest first, offset and limit, the total of the moment.</summary>
    private sealed class PagedRegister(List<TicketRegisterRow> rows) : IReadModels
    {
        public TicketRegisterRow? RecordAfterFirstPage { get; init; }

        public int Queries { get; private set; }

        public Task<ReadModelPage<T>> QueryAsync<T>(ReadModelQuery query, CancellationToken cancellationToken = default)
        {
            var page = rows.Skip(query.Offset).Take(query.Limit).Cast<T>().ToList();
            var total = rows.Count;
            if (++Queries == 1 && RecordAfterFirstPage is { } recorded)
            {
                rows.Insert(0, recorded);
            }

            return Task.FromResult(new ReadModelPage<T>(page, total));
        }
    }
}
