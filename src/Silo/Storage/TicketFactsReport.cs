using HotlineGrains.Grains.Reports;

namespace HotlineGrains.Silo;

/// <summary>
/// Adds the period's <see cref="TicketFacts"/> up in the database (issue 12): grouping queries over
/// the typed <c>ticket_facts</c> table, so a month of 100,000 tickets never leaves the database as rows.
/// </summary>
public interface ITicketFactsReport
{
    Task<TicketFigures> CountAsync(TicketFactsQuery query, CancellationToken cancellationToken = default);
}

/// <summary>
/// The tickets received in any of <see cref="Periods"/> (each project's own span, since each
/// project has its own time zone), for one department or receiving agent when given.
/// </summary>
public sealed record TicketFactsQuery(IReadOnlyList<ProjectSpan> Periods)
{
    public string? Department { get; init; }

    public string? Agent { get; init; }
}

/// <summary>Received time in [<see cref="From"/>, <see cref="To"/>) of one project.</summary>
public sealed record ProjectSpan(string Project, DateTimeOffset From, DateTimeOffset To);
