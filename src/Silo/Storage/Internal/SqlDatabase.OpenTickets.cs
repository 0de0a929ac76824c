using System.Data.Common;
using System.Globalization;

namespace HotlineGrains.Silo.Storage.Internal;

/// <summary>
/// The open-ticket list over the register rows. The model and the open statuses are written as
/// literals, never parameters, and the deadline as the same expression as in migration 0007: the
/// databases use that partial index only for a query that visibly implies it.
/// </summary>
internal abstract partial class SqlDatabase
{
    private const string OpenRegisterRows =
        "model = 'ticket-register' and {0} not in ('Closed', 'Pending')";

    public async Task<(IReadOnlyList<string> Documents, int Total, OpenTicketTally Counts)> QueryOpenTicketsAsync(OpenTicketQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var scopes = query.Scopes.ToList();
        if (scopes.Count == 0)
        {
            return ([], 0, OpenTicketTally.Of([]));
        }

        string Field(string name) => JsonText("doc", name);
        var open = new List<string>
        {
            string.Format(CultureInfo.InvariantCulture, OpenRegisterRows, Field("status")),
            $"scope in ({string.Join(", ", scopes.Select((_, i) => "@scope" + i))})",
        };
        var parameters = new List<(string, object?)>(scopes.Select((scope, i) => ("scope" + i, (object?)scope)));
        var filtered = new List<string>();
        void Equal(string field, string? value, bool counted = false)
        {
            if (value is null)
            {
                return;
            }

            var condition = value == OpenTicketQuery.Unassigned ? $"{Field(field)} is null" : $"{Field(field)} = @{field}";
            (counted ? open : filtered).Add(condition);
            if (value != OpenTicketQuery.Unassigned)
            {
                parameters.Add((field, value));
            }
        }

        Equal("department", query.Department, query.CountsWithinDepartment);
        filtered.InsertRange(0, open);
        Equal("status", query.Status);
        Equal("severity", query.Severity);
        Equal("agent", query.Agent);
        if (query.Risk is { } risk)
        {
            filtered.Add(risk switch
            {
                OpenTicketRisk.AtRisk => $"{Field("slaState")} = 'AtRisk'",
                OpenTicketRisk.Breached => $"{Field("slaState")} in ('Breached', 'Missed')",
                _ => $"{Field("slaState")} in ('AtRisk', 'Breached', 'Missed')",
            });
        }

        var due = Field("nextDueAt");
        var order = query.Order switch
        {
            OpenTicketOrder.Received => "sort_time, grain_key",
            OpenTicketOrder.Severity => $"case {Field("severity")} when 'Complex' then 0 when 'General' then 1 else 2 end, {due} nulls last, sort_time, grain_key",
            _ => $"{due} nulls last, sort_time, grain_key",
        };

        await using var connection = await OpenAsync(cancellationToken);
        var groups = new List<(string, string, string?, int)>();
        await using (var tally = Command(connection, null,
            $"select {Field("status")}, {Field("severity")}, {Field("slaState")}, count(*) from read_models where {string.Join(" and ", open)} group by 1, 2, 3",
            [.. parameters.Where(p => p.Item1.StartsWith("scope", StringComparison.Ordinal) || (query.CountsWithinDepartment && p.Item1 == "department"))]))
        await using (var reader = await tally.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                groups.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture)));
            }
        }

        var counts = OpenTicketTally.Of(groups);
        var condition = string.Join(" and ", filtered);
        var documents = new List<string>();
        await using (var select = Command(connection, null,
            $"select doc from read_models where {condition} order by {order} limit @limit offset @offset",
            [.. parameters, ("limit", query.Limit), ("offset", query.Offset)]))
        await using (var rows = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                documents.Add(rows.GetString(0));
            }
        }

        // Unfiltered, the counts say how many; a first page that is not full says it too. Only
        // otherwise are the matching rows counted, a scan a live console would pay on every change.
        var total = filtered.Count == open.Count ? counts.Open
            : query.Offset == 0 && documents.Count < query.Limit ? documents.Count
            : await CountAsync(connection, condition, parameters, cancellationToken);
        return (documents, total, counts);
    }

    private static async Task<int> CountAsync(DbConnection connection, string condition, List<(string, object?)> parameters, CancellationToken cancellationToken)
    {
        await using var count = Command(connection, null, $"select count(*) from read_models where {condition}", [.. parameters]);
        return Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
