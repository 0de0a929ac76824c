using System.Text.Json;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Grains.Turns;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace HotlineGrains.Testing;

/// <summary>
/// Many open tickets at once, written straight into the register rows as the ticket grains write
/// them: 10,000 tickets through the intake would take minutes, and what the list, the console and
/// the bench measure is reading them. The rows are spread over statuses, severities, agents,
/// departments, SLA states and deadlines, so every filter and order has something to do.
/// </summary>
public static class OpenTicketSeed
{
    private static readonly string[] Statuses = ["Received", "Forwarded", "InProgress", "WaitingOnCustomer", "Resolved", "CustomerNotified", "AwaitingAnswer"];
    private static readonly string[] Severities = ["Simple", "General", "Complex"];
    private static readonly string?[] SlaStates = ["Running", "Running", "AtRisk", "Running", "Breached", "Paused", "Running"];

    /// <summary>
    /// <paramref name="count"/> open tickets of a project, numbered <c>{prefix}-S00001</c> on; each
    /// third has no agent, each fourth no department, each tenth no deadline.
    /// </summary>
    public static IReadOnlyList<TicketRegisterRow> Rows(
        string projectId, string prefix, int count, DateTimeOffset now, IReadOnlyList<string> agents, IReadOnlyList<string> departments)
    {
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(departments);
        var rows = new List<TicketRegisterRow>(count);
        for (var i = 0; i < count; i++)
        {
            // A deadline scattered over ±5 days (a multiplier prime to the count), received before it.
            var due = now.AddMinutes(((i * 7919L) % 14_400) - 7_200).ToUniversalTime();
            rows.Add(new TicketRegisterRow(
                $"seed{string.Concat(projectId.Where(char.IsAsciiLetterOrDigit))}{i:D6}",
                $"{prefix}-S{i + 1:D5}",
                projectId,
                Statuses[i % Statuses.Length],
                "Complaint",
                Severities[i % Severities.Length],
                i % 11 == 0,
                "Phone",
                "维修",
                i % 3 == 0 || agents.Count == 0 ? null : agents[i / 3 % agents.Count],
                i % 4 == 0 || departments.Count == 0 ? null : departments[i % departments.Count],
                due.AddDays(-6).AddMinutes(i % 997),
                "种子业主",
                $"{i % 30 + 1}-{i % 6 + 1}-{i % 20 + 101}",
                "138****0000",
                "批量工单 seeded ticket",
                null, null, null, null, 0,
                i % 10 == 9 ? null : due,
                SlaStates[i % SlaStates.Length],
                null));
        }

        return rows;
    }

    /// <summary>Writes the rows into the register of the embedded database at <paramref name="file"/> (one transaction).</summary>
    public static async Task InsertIntoSqliteAsync(string file, IEnumerable<TicketRegisterRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "insert into read_models (model, grain_key, scope, sort_time, doc, updated_at) values (@m, @k, @s, @t, @d, @u)";
        var parameters = new[] { "@m", "@k", "@s", "@t", "@d", "@u" }.Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        var updated = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var row in rows)
        {
            parameters[0].Value = TicketGrain.RegisterModel;
            parameters[1].Value = row.TicketId;
            parameters[2].Value = row.ProjectId;
            parameters[3].Value = row.ReceivedAt.ToUnixTimeMilliseconds();
            parameters[4].Value = JsonSerializer.Serialize(row, GrainRecordJson.Options);
            parameters[5].Value = updated;
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>Writes the rows into the register of a migrated PostgreSQL database (one binary COPY).</summary>
    public static async Task InsertIntoPostgresAsync(string connectionString, IEnumerable<TicketRegisterRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy read_models (model, grain_key, scope, sort_time, doc, updated_at) from stdin (format binary)"))
        {
            await WriteAsync(copy, rows);
        }

        // Fresh statistics, so the planner sees the 0007 index as it would on a database that grew.
        await using var analyze = new NpgsqlCommand("analyze read_models", connection);
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter copy, IEnumerable<TicketRegisterRow> rows)
    {
        var updated = DateTimeOffset.UtcNow;
        foreach (var row in rows)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(TicketGrain.RegisterModel, NpgsqlDbType.Text);
            await copy.WriteAsync(row.TicketId, NpgsqlDbType.Text);
            await copy.WriteAsync(row.ProjectId, NpgsqlDbType.Text);
            await copy.WriteAsync(row.ReceivedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(JsonSerializer.Serialize(row, GrainRecordJson.Options), NpgsqlDbType.Jsonb);
            await copy.WriteAsync(updated, NpgsqlDbType.TimestampTz);
        }

        await copy.CompleteAsync();
    }
}
