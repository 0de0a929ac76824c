using System.Text.Json;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Grains.Turns;
using HotlineGrains.Silo.Storage;

namespace HotlineGrains.Silo;

/// <summary>
/// The open tickets of some projects, filtered, sorted and paged by the database (the supervisor
/// console, issue 13): a page of 10,000 open tickets costs what a page of 10 does, and nothing
/// depends on how many rows a board keeps.
/// </summary>
public interface IOpenTicketList
{
    Task<OpenTicketPage> QueryAsync(OpenTicketQuery query, CancellationToken cancellationToken = default);
}

/// <summary>Which way the open tickets are listed.</summary>
public enum OpenTicketOrder
{
    /// <summary>Next SLA deadline first (none last), then oldest received: the board's order.</summary>
    Deadline,

    /// <summary>Oldest received first: who has waited longest.</summary>
    Received,

    /// <summary>Complex, then general, then simple; by deadline within each.</summary>
    Severity,
}

/// <summary>Which SLA state an open ticket is in, for the filter.</summary>
public enum OpenTicketRisk
{
    /// <summary>At-risk share of a clock used, none passed.</summary>
    AtRisk,

    /// <summary>A deadline passed (Breached or Missed).</summary>
    Breached,

    /// <summary>Either of the two: what the console's "at risk" box shows.</summary>
    AtRiskOrBreached,
}

/// <summary>
/// Open tickets (not Closed, not Pending) of <see cref="Scopes"/> (project ids). A filter left null
/// does not narrow; <see cref="Unassigned"/> for <see cref="Agent"/> or <see cref="Department"/>
/// asks for tickets without one.
/// </summary>
public sealed record OpenTicketQuery(IReadOnlyCollection<string> Scopes)
{
    public const string Unassigned = "-";

    public string? Status { get; init; }

    public string? Severity { get; init; }

    public string? Department { get; init; }

    public string? Agent { get; init; }

    public OpenTicketRisk? Risk { get; init; }

    /// <summary>
    /// The department filter bounds the counts as well: a department user counts only the tickets
    /// of its department, not the project's others.
    /// </summary>
    public bool CountsWithinDepartment { get; init; }

    public OpenTicketOrder Order { get; init; }

    public int Offset { get; init; }

    public int Limit { get; init; } = 50;
}

/// <summary>
/// One page of the open tickets, the number matching the filters, and the counts of all open
/// tickets of the scopes (filters aside), for the filter choices.
/// </summary>
public sealed record OpenTicketPage(IReadOnlyList<TicketRegisterRow> Items, int Total, OpenTicketTally Counts);

/// <summary>Every open ticket of the scopes counted: by status and severity, at risk, breached.</summary>
public sealed record OpenTicketTally(
    int Open,
    IReadOnlyDictionary<string, int> ByStatus,
    IReadOnlyDictionary<string, int> BySeverity,
    int AtRisk,
    int Breached)
{
    public static OpenTicketTally Of(IEnumerable<(string Status, string Severity, string? SlaState, int Count)> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var byStatus = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var bySeverity = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int open = 0, atRisk = 0, breached = 0;
        foreach (var (status, severity, sla, count) in groups)
        {
            open += count;
            byStatus[status] = byStatus.GetValueOrDefault(status) + count;
            bySeverity[severity] = bySeverity.GetValueOrDefault(severity) + count;
            atRisk += sla == "AtRisk" ? count : 0;
            breached += sla is "Breached" or "Missed" ? count : 0;
        }

        return new(open, byStatus, bySeverity, atRisk, breached);
    }
}

/// <summary>The register rows of open tickets, as the ticket grains store them.</summary>
internal sealed class SqlOpenTicketList(IHotlineDatabase database) : IOpenTicketList
{
    public async Task<OpenTicketPage> QueryAsync(OpenTicketQuery query, CancellationToken cancellationToken = default)
    {
        var (documents, total, counts) = await database.QueryOpenTicketsAsync(query, cancellationToken);
        return new([.. documents.Select(d => JsonSerializer.Deserialize<TicketRegisterRow>(d, GrainRecordJson.Options)!)], total, counts);
    }
}

/// <summary>
/// A project's open tickets read from the open-ticket list a page at a time, oldest first: a
/// ticket recorded while the pages are read comes last; one closed meanwhile may shift another
/// back over a page boundary, and that one keeps its clocks until its next step re-plans them.
/// </summary>
internal sealed class OpenTicketIds(IOpenTicketList list) : IOpenTicketIds
{
    private const int PageRows = 1000;

    public async Task<IReadOnlyList<string>> OfProjectAsync(string projectId, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var offset = 0; ; offset += PageRows)
        {
            var page = await list.QueryAsync(new OpenTicketQuery([projectId]) { Order = OpenTicketOrder.Received, Offset = offset, Limit = PageRows }, cancellationToken);
            ids.AddRange(page.Items.Select(row => row.TicketId).Where(seen.Add));
            if (page.Items.Count < PageRows)
            {
                return ids;
            }
        }
    }
}
