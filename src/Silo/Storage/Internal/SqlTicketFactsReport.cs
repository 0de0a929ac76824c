using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using HotlineGrains.Grains.Reports;

namespace HotlineGrains.Silo.Storage.Internal;

/// <summary>
/// <see cref="ITicketFactsReport"/> on both providers, in SQL both understand (materialised common
/// table expressions, aggregate filters, window functions): one query for the counts by dimension,
/// one for the totals and clocks, one for the percentiles, one for the few unsatisfied reasons.
/// Every query reads the period through the <c>(project, received_at)</c> index of <c>ticket_facts</c>.
/// </summary>
internal sealed class SqlTicketFactsReport(IHotlineDatabase database) : ITicketFactsReport
{
    /// <summary>The report's dimensions: the name the figures use and the column counted.</summary>
    private static readonly (string Name, string Column)[] Dimensions =
    [
        ("kind", "kind"), ("category", "category"), ("severity", "severity"), ("channel", "channel"), ("status", "status"),
        ("project", "project"), ("department", $"coalesce(department, '{TicketFigures.NoDepartment}')"), ("agent", "agent"),
    ];

    /// <summary>The SLA clocks: the column prefix of their state and working time.</summary>
    private static readonly string[] Clocks = ["first_reply", "target", "deadline"];

    private readonly SqlDatabase sql = (SqlDatabase)database;

    public async Task<TicketFigures> CountAsync(TicketFactsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = Condition(query);
        await using var connection = await sql.OpenAsync(cancellationToken);

        // PostgreSQL counts every dimension in one pass (grouping sets) and takes the percentiles in
        // the totals' pass (percentile_disc is the nearest rank); SQLite has neither, and reads the
        // period once per dimension and ranks the working times with window functions.
        var postgres = sql.Name == StorageOptions.Postgres;
        var counts = Dimensions.ToDictionary(d => d.Name, _ => new SortedDictionary<string, int>(StringComparer.Ordinal));
        var byDimension = postgres
            ? $"""
                select case {string.Join(" ", Dimensions.Select(d => $"when grouping({d.Column}) = 0 then '{d.Name}'"))} end,
                    coalesce({string.Join(", ", Dimensions.Select(d => d.Column))}), count(*)
                from ticket_facts where {where}
                group by grouping sets ({string.Join(", ", Dimensions.Select(d => $"({d.Column})"))})
                """
            : $"with f as materialized (select * from ticket_facts where {where})\n" +
                string.Join("\nunion all ", Dimensions.Select(d => $"select '{d.Name}', {d.Column}, count(*) from f group by {d.Column}"));
        await ReadAsync(connection, byDimension, parameters, reader => counts[reader.GetString(0)][reader.GetString(1)] = Int(reader, 2), cancellationToken);

        var clocks = string.Join(",\n", Clocks.Select(c =>
            $"count({c}_state), count(*) filter (where {c}_state = 'Met'), count(*) filter (where {c}_state in ('Missed', 'Breached'))"));
        var ranks = postgres
            ? "," + string.Join(",\n", Clocks.Select(c =>
                $"percentile_disc(0.5) within group (order by {c}_seconds) / 60.0, percentile_disc(0.9) within group (order by {c}_seconds) / 60.0"))
            : string.Empty;
        var totals = new int[12 + (3 * Clocks.Length)];
        var percentiles = new Dictionary<string, (double? Median, double? P90)>(StringComparer.Ordinal);
        await ReadAsync(connection, $"""
            select count(*), count(*) filter (where urgent),
                count(*) filter (where kind = 'Complaint' and founded), count(*) filter (where kind = 'Complaint' and not founded),
                count(*) filter (where kind = 'Complaint' and founded is null),
                coalesce(sum(reopened), 0), count(*) filter (where resolved), count(*) filter (where closed),
                coalesce(sum(callback_attempts), 0), count(*) filter (where callback_outcome = 'Satisfied'),
                count(*) filter (where callback_outcome = 'Unsatisfied'), count(*) filter (where callback_outcome = 'Unreachable'),
            {clocks}{ranks}
            from ticket_facts where {where}
            """, parameters, reader =>
            {
                for (var i = 0; i < totals.Length; i++)
                {
                    totals[i] = Int(reader, i);
                }

                for (var i = 0; postgres && i < Clocks.Length; i++)
                {
                    percentiles[Clocks[i]] = (Number(reader, totals.Length + (2 * i)), Number(reader, totals.Length + (2 * i) + 1));
                }
            }, cancellationToken);

        if (!postgres)
        {
            // Nearest rank (ReportFigures.Percentile): the value at row ceil(share × n), in integers
            // (n + 1) / 2 for the median and (9n + 9) / 10 for p90.
            var ranked = string.Join("\nunion all ", Clocks.Select(c => $"""
                select '{c}' as clock, {c}_seconds / 60.0 as minutes, row_number() over (order by {c}_seconds) as rn, count(*) over () as n
                from ticket_facts where ({where}) and {c}_seconds is not null
                """));
            await ReadAsync(connection, $"""
                select clock, min(minutes) filter (where rn = (n + 1) / 2), min(minutes) filter (where rn = (9 * n + 9) / 10)
                from ({ranked}) ranked group by clock
                """, parameters, reader => percentiles[reader.GetString(0)] = (Number(reader, 1), Number(reader, 2)), cancellationToken);
        }

        var reasons = new List<(string Project, string Reasons)>();
        await ReadAsync(connection, $"select project, unsatisfied_reasons from ticket_facts where ({where}) and unsatisfied_reasons is not null order by received_at, ticket_id",
            parameters, reader => reasons.Add((reader.GetString(0), reader.GetString(1))), cancellationToken);

        ClockFigures Clock(int index)
        {
            var (tickets, met, missed) = (totals[12 + (3 * index)], totals[13 + (3 * index)], totals[14 + (3 * index)]);
            var (median, p90) = percentiles.GetValueOrDefault(Clocks[index]);
            return new ClockFigures(tickets, met, missed, tickets - met - missed, median, p90, met + missed == 0 ? null : (double)met / (met + missed));
        }

        var (satisfied, unsatisfied) = (totals[9], totals[10]);
        return new TicketFigures(
            totals[0], totals[1],
            counts["kind"], counts["category"], counts["severity"], counts["channel"], counts["status"],
            counts["project"], counts["department"], counts["agent"],
            totals[2], totals[3], totals[4], totals[5], totals[6], totals[7],
            Clock(0), Clock(1), Clock(2),
            new CallbackFigures(totals[8], satisfied, unsatisfied, totals[11],
                satisfied + unsatisfied == 0 ? null : (double)satisfied / (satisfied + unsatisfied),
                // Projects in key order, each project's tickets by received time, as the report lists them.
                [.. reasons.OrderBy(r => r.Project, StringComparer.Ordinal)
                    .SelectMany(r => JsonSerializer.Deserialize<string[]>(r.Reasons) ?? [])
                    .Where(r => r.Length > 0)]));
    }

    /// <summary>The tickets of the query: one received-time span per project, then department and agent.</summary>
    private (string Where, (string, object?)[] Parameters) Condition(TicketFactsQuery query)
    {
        var parameters = new List<(string, object?)>();
        var spans = new List<string>();
        foreach (var (span, i) in query.Periods.Select((span, i) => (span, i)))
        {
            spans.Add($"(project = @p{i} and received_at >= @from{i} and received_at < @to{i})");
            parameters.AddRange([("p" + i, span.Project), ("from" + i, sql.ToDb(span.From)), ("to" + i, sql.ToDb(span.To))]);
        }

        var where = spans.Count == 0 ? "1 = 0" : $"({string.Join(" or ", spans)})";
        if (query.Department is not null)
        {
            where += " and department = @department";
            parameters.Add(("department", query.Department));
        }

        if (query.Agent is not null)
        {
            where += " and agent = @agent";
            parameters.Add(("agent", query.Agent));
        }

        return (where, [.. parameters]);
    }

    private static async Task ReadAsync(DbConnection connection, string text, (string, object?)[] parameters, Action<DbDataReader> row, CancellationToken cancellationToken)
    {
        await using var command = SqlDatabase.Command(connection, null, text, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            row(reader);
        }
    }

    private static int Int(DbDataReader reader, int ordinal) => Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static double? Number(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Convert.ToDouble(reader.GetValue(ordinal), CultureInfo.InvariantCulture);
}
