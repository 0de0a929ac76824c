using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HotlineGrains.Grains.Reports;
using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Grains.Turns;
using HotlineGrains.Silo;
using HotlineGrains.Silo.Storage;
using HotlineGrains.Silo.Storage.Internal;
using Npgsql;
using NpgsqlTypes;

namespace HotlineGrains.Bench;

/// <summary>
/// The reports part (issue 12): a month of 100,000 tickets' facts for one project on PostgreSQL,
/// counted through <see cref="ITicketFactsReport"/>, the query the report endpoints make.
/// </summary>
internal static class ReportsBenchmark
{
    public const int MonthTickets = 100_000;

    /// <summary>Tickets of the month before, so the month is a range of a larger table, as in service.</summary>
    public const int EarlierTickets = 20_000;

    public const int WarmRuns = 20;

    private const string Project = "weibang-plaza";

    /// <summary>November 2026 in the project's time zone (Asia/Shanghai, UTC+8), as the endpoint asks for it.</summary>
    private static readonly DateTimeOffset MonthStart = new(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset MonthEnd = MonthStart.AddMonths(1);

    public static async Task<ReportsRun> RunAsync(BenchOptions options)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(StorageOptions.Postgres, options.PostgresAdmin);
        await scratch.MigrateAsync();
        await using var database = HotlineHostingExtensions.CreateDatabase(new StorageOptions { Provider = StorageOptions.Postgres, ConnectionString = scratch.ConnectionString });

        Progress.Say($"reports: copying {MonthTickets + EarlierTickets:N0} ticket-facts rows into read_models (the triggers fill ticket_facts)");
        var seed = Stopwatch.StartNew();
        await SeedAsync(scratch.ConnectionString);
        seed.Stop();
        var rows = await scratch.CountAsync("select count(*) from ticket_facts");

        var report = new SqlTicketFactsReport(database);
        var month = new TicketFactsQuery([new ProjectSpan(Project, MonthStart, MonthEnd)]);
        var (cold, figures) = await TimeAsync(() => report.CountAsync(month));
        var warm = new double[WarmRuns];
        for (var i = 0; i < WarmRuns; i++)
        {
            warm[i] = (await TimeAsync(() => report.CountAsync(month))).Milliseconds;
        }

        var agent = await TimesAsync(() => report.CountAsync(month with { Agent = "agent-1001" }));
        var day = await TimesAsync(() => report.CountAsync(new TicketFactsQuery([new ProjectSpan(Project, MonthStart.AddDays(14), MonthStart.AddDays(15))])));
        var endpoint = await EndpointAsync(scratch.ConnectionString);
        var result = new ReportsRun(MonthTickets, EarlierTickets, rows, seed.Elapsed.TotalSeconds, figures.Received, cold,
            Percentiles.FromMilliseconds(warm), agent, day, endpoint);
        Progress.Say($"reports: month of {figures.Received:N0} tickets cold {cold:F0} ms, warm p50 {result.Warm.P50:F0} ms, slowest {result.Warm.Max:F0} ms");
        Progress.Say($"reports: GET {endpoint.Path}: first {endpoint.FirstMs:F0} ms, then p50 {endpoint.Warm.P50:F0} ms, slowest {endpoint.Warm.Max:F0} ms; CSV p50 {endpoint.Csv.P50:F0} ms; XLSX p50 {endpoint.Xlsx.P50:F0} ms");
        return result;
    }

    /// <summary>
    /// The month report as a supervisor's browser asks for it: a gateway process of its own on the
    /// same database (the seed projects, no demo floor), its first request after start, then warm
    /// requests as JSON, CSV and XLSX.
    /// </summary>
    private static async Task<EndpointRun> EndpointAsync(string connectionString)
    {
        var directory = Directory.CreateTempSubdirectory("hotline-bench-reports-");
        try
        {
            var settings = Testing.TestSilo.Postgres(connectionString);
            settings["Demo:Enabled"] = "true";
            settings["Demo:Floor"] = "false";
            settings["Demo:CallSimulator"] = "false";
            settings["Limits:ReadsPerMinute"] = "1000000";
            await using var gateway = Testing.GatewayProcess.Start(directory.FullName, Testing.TestSilo.WithOwnPorts(settings));
            await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(120));
            using var http = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await gateway.DemoTokenAsync("pm-gc"));
            var path = $"/api/reports/month/{MonthStart:yyyy-MM}?project={Project}";
            async Task<double> AskAsync(string accept)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Accept.ParseAdd(accept);
                var clock = Stopwatch.StartNew();
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();
                response.EnsureSuccessStatusCode();
                return body.Length > 0 ? clock.Elapsed.TotalMilliseconds : throw new InvalidOperationException($"{path} answered an empty body.");
            }

            var first = await AskAsync("application/json");
            var warm = new double[WarmRuns];
            var csv = new double[WarmRuns];
            var xlsx = new double[WarmRuns];
            for (var i = 0; i < WarmRuns; i++)
            {
                warm[i] = await AskAsync("application/json");
                csv[i] = await AskAsync("text/csv");
                xlsx[i] = await AskAsync("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            }

            return new EndpointRun(path, first, Percentiles.FromMilliseconds(warm), Percentiles.FromMilliseconds(csv), Percentiles.FromMilliseconds(xlsx));
        }
        finally
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A temp directory left behind is harmless.
            }
        }
    }

    private static async Task<(double Milliseconds, T Value)> TimeAsync<T>(Func<Task<T>> work)
    {
        var clock = Stopwatch.StartNew();
        var value = await work();
        return (clock.Elapsed.TotalMilliseconds, value);
    }

    private static async Task<Percentiles> TimesAsync<T>(Func<Task<T>> work)
    {
        var times = new double[WarmRuns];
        for (var i = 0; i < WarmRuns; i++)
        {
            times[i] = (await TimeAsync(work)).Milliseconds;
        }

        return Percentiles.FromMilliseconds(times);
    }

    /// <summary>
    /// Rows shaped as the grains write them (<see cref="TicketFacts"/> in the grains' JSON), copied
    /// in one COPY: the month's tickets evenly over its days, and the month before.
    /// </summary>
    private static async Task SeedAsync(string connectionString)
    {
        var random = new Random(12);
        string[] categories = ["维修", "服务态度", "保洁", "秩序", "停车", "设施", "收费", "其他"];
        string?[] departments = [null, "工程部", "秩序部", "保洁部", "客服部", "财务部", "综合部"];
        var kinds = Enum.GetValues<TicketKind>();
        var severities = Enum.GetValues<Severity>();
        var channels = Enum.GetValues<Channel>();
        string[] clockStates = ["Met", "Met", "Met", "Met", "Missed", "Breached", "Running", ClockFact.Stopped];
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var earlierStart = MonthStart.AddMonths(-1);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy read_models (model, grain_key, scope, sort_time, doc, updated_at) from stdin (format binary)"))
        {
            for (var i = 0; i < MonthTickets + EarlierTickets; i++)
            {
                var received = i < MonthTickets
                    ? MonthStart + ((MonthEnd - MonthStart) * i / MonthTickets)
                    : earlierStart + ((MonthStart - earlierStart) * (i - MonthTickets) / EarlierTickets);
                var closed = random.NextDouble() < 0.7;
                var kind = kinds[random.Next(kinds.Length)];
                var complaint = kind == TicketKind.Complaint;
                ClockFact? Clock()
                {
                    var state = closed ? clockStates[random.Next(6)] : clockStates[random.Next(clockStates.Length)];
                    return new ClockFact(state, state is "Met" or "Missed" or "Breached" ? TimeSpan.FromSeconds(random.Next(60, 4 * 24 * 3600) + 0.5) : null);
                }

                var callbacks = closed ? random.Next(1, 3) : 0;
                var unsatisfied = callbacks > 1 && random.NextDouble() < 0.1;
                var facts = new TicketFacts(
                    $"t-{i:D7}", Project, received, kind.ToString(), categories[random.Next(categories.Length)],
                    severities[random.Next(severities.Length)].ToString(), random.NextDouble() < 0.05, channels[random.Next(channels.Length)].ToString(),
                    closed ? nameof(TicketStatus.Closed) : nameof(TicketStatus.Received), $"agent-{1001 + random.Next(20)}", departments[random.Next(departments.Length)],
                    complaint && closed ? random.NextDouble() < 0.7 : null, unsatisfied ? 1 : 0, callbacks,
                    callbacks == 0 ? null : unsatisfied ? "Unsatisfied" : "Satisfied", unsatisfied ? ["还是没修好"] : [],
                    Clock(), complaint ? Clock() : null, complaint ? Clock() : null,
                    closed ? received.AddHours(5) : null, closed ? received.AddDays(1) : null);
                await copy.StartRowAsync();
                await copy.WriteAsync(TicketFacts.Model, NpgsqlDbType.Text);
                await copy.WriteAsync(facts.TicketId, NpgsqlDbType.Text);
                await copy.WriteAsync(Project, NpgsqlDbType.Text);
                await copy.WriteAsync(received.UtcDateTime, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(JsonSerializer.Serialize(facts, GrainRecordJson.Options), NpgsqlDbType.Jsonb);
                await copy.WriteAsync(received.UtcDateTime, NpgsqlDbType.TimestampTz);
            }

            await copy.CompleteAsync();
        }

        await using var analyze = new NpgsqlCommand("analyze ticket_facts; analyze read_models", connection);
        await analyze.ExecuteNonQueryAsync();
    }
}

/// <summary>What the reports part measured: times in milliseconds.</summary>
internal sealed record ReportsRun(int MonthTickets, int EarlierTickets, long FactRows, double SeedSeconds, int Counted, double ColdMs, Percentiles Warm, Percentiles Agent, Percentiles Day, EndpointRun Endpoint)
{
    public static readonly MarkedSection Place = new("<!-- reports:start -->", "<!-- reports:end -->");

    private const double GoalMs = 1000;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public string Section(Machine machine, string command, DateTimeOffset startedAt)
    {
        var text = new StringBuilder();
        text.AppendLine(Place.StartMarker);
        text.AppendLine("## Management reports: a month over 100,000 tickets");
        text.AppendLine();
        text.AppendLine(Invariant, $"Run {startedAt:yyyy-MM-dd HH:mm} on {machine.Cpu}, {machine.Processors} processors: `{command}`.");
        text.AppendLine();
        text.AppendLine(Invariant,
            $"PostgreSQL on its own scratch database: {MonthTickets:N0} `ticket-facts` rows in November 2026 (Asia/Shanghai) and {EarlierTickets:N0} in October for one project, copied into `read_models` as the grains write them (their JSON), the triggers of migration 0006 filling the typed `ticket_facts` table. Timed: `ITicketFactsReport.CountAsync`, the call the report endpoints make for the period's tickets (the counts by kind, category, severity, channel, status, project, department and agent; complaints founded; reopened, resolved, closed; the three SLA clocks with median and p90 working time; callbacks and satisfaction), in this process, {WarmRuns(Warm)} warm runs after the first.");
        text.AppendLine();
        text.AppendLine("| figure | value | goal |");
        text.AppendLine("|---|--:|---|");
        text.AppendLine(Invariant, $"| month report, tickets counted | {Counted:N0} | {MonthTickets:N0} |");
        text.AppendLine(Invariant, $"| month report, first run (cold process: connection, query plans, JIT) | {ColdMs:F0} ms | < {GoalMs:F0} ms: {(ColdMs < GoalMs ? "met" : "NOT met")} |");
        text.AppendLine(Invariant, $"| month report, warm p50 / slowest | {Warm.P50:F0} / {Warm.Max:F0} ms | < {GoalMs:F0} ms: {(Warm.Max < GoalMs ? "met" : "NOT met")} |");
        text.AppendLine(Invariant, $"| same month, one agent of 20, p50 / slowest | {Agent.P50:F0} / {Agent.Max:F0} ms | |");
        text.AppendLine(Invariant, $"| one day (about {MonthTickets / 30:N0} tickets), p50 / slowest | {Day.P50:F0} / {Day.Max:F0} ms | |");
        text.AppendLine(Invariant, $"| {MonthTickets + EarlierTickets:N0} rows copied, triggers included ({FactRows:N0} `ticket_facts` rows) | {SeedSeconds:F1} s ({(MonthTickets + EarlierTickets) / SeedSeconds:F0} rows/s) | |");
        text.AppendLine(Invariant, $"| `GET {Endpoint.Path}` (JSON), the gateway process's first request after start | {Endpoint.FirstMs:F0} ms | < {GoalMs:F0} ms: {(Endpoint.FirstMs < GoalMs ? "met" : "NOT met")} |");
        text.AppendLine(Invariant, $"| same, warm p50 / slowest | {Endpoint.Warm.P50:F0} / {Endpoint.Warm.Max:F0} ms | < {GoalMs:F0} ms: {(Endpoint.Warm.Max < GoalMs ? "met" : "NOT met")} |");
        text.AppendLine(Invariant, $"| same as CSV / as XLSX, p50 | {Endpoint.Csv.P50:F0} / {Endpoint.Xlsx.P50:F0} ms | |");
        text.AppendLine();
        text.AppendLine("- The endpoint rows are a gateway process of its own on the same database (co-hosting its silo; the seed projects, no demo floor), timed from the bench over loopback HTTP: the facts query above, the project's settings and day counters, the agents' days and the JSON.");
        text.AppendLine("- The month's calls are not seeded: the calls API takes calls within two days of now, and a report reads calls as the project grain's day counters (30 of them, one grain call), whatever the number of calls; 300,000 calls would change the counters' values, not what is read.");
        text.AppendLine(Place.EndMarker);
        return text.ToString();
    }

    private static string WarmRuns(Percentiles warm) => warm.Count.ToString(Invariant);
}

/// <summary>The month report through the gateway: its first request, then warm JSON, CSV and XLSX (milliseconds).</summary>
internal sealed record EndpointRun(string Path, double FirstMs, Percentiles Warm, Percentiles Csv, Percentiles Xlsx);
