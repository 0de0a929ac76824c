using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using HotlineGrains.Testing;

namespace HotlineGrains.Bench;

/// <param name="Scenario">What was asked, in the console's words.</param>
/// <param name="Query">The query string sent.</param>
internal sealed record ConsoleListFigure(string Scenario, string Query, Percentiles Latency, int Total);

internal sealed record ConsoleListRun(int Open, int Closed, double SeedSeconds, IReadOnlyList<ConsoleListFigure> Figures);

/// <summary>
/// The console part (<c>--only console</c>, issue 13): the supervisor console's open-ticket list
/// at 10,000 open tickets on PostgreSQL. One gateway process on a database of its own; the open
/// tickets (and closed ones beside them, as a register holds) are written straight into storage;
/// then the list is asked for over HTTP as the console asks for it — the first page, a filter
/// change, the last page — each timed from request to the whole answer read.
/// </summary>
internal static class ConsoleListBenchmark
{
    public const int Open = 10_000;
    public const int Closed = 20_000;
    private const string Project = "weibang-plaza";
    private const int Samples = 200;
    private const int WarmUp = 30;

    /// <summary>A filter change: each of these in turn, as a supervisor clicks through them.</summary>
    private static readonly string[] FilterChanges =
    [
        "status=Forwarded", "severity=Complex", "agent=agent-gc-2", "department=工程部", "department=-",
        "risk=any", "severity=General&risk=breached", "status=InProgress&agent=agent-gc-1", "sort=received", "sort=severity",
    ];

    public static async Task<ConsoleListRun> RunAsync()
    {
        if (Environment.GetEnvironmentVariable(TestServices.PostgresVariable) is not { Length: > 0 })
        {
            throw new InvalidOperationException($"The console part needs PostgreSQL: scripts/services.sh start and eval \"$(scripts/services.sh env)\" ({TestServices.PostgresVariable}).");
        }

        await using var database = await PostgresDatabase.CreateAsync();
        var directory = Directory.CreateTempSubdirectory("hotline-bench-console-");
        try
        {
            var settings = TestSilo.Postgres(database.ConnectionString);
            settings["Demo:Enabled"] = "true";
            settings["Demo:Floor"] = "false";
            settings["Demo:CallSimulator"] = "false";
            settings["Limits:ReadsPerMinute"] = "1000000";
            await using var gateway = GatewayProcess.Start(directory.FullName, TestSilo.WithOwnPorts(settings));
            await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(120));
            using var http = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await gateway.DemoTokenAsync("supervisor-gc"));

            var seeded = Stopwatch.StartNew();
            var rows = OpenTicketSeed.Rows(Project, "BN", Open + Closed, DateTimeOffset.UtcNow, ["agent-gc-1", "agent-gc-2", "agent-gc-3"], ["工程部", "秩序部", "保洁部"])
                .Select((row, i) => i < Open ? row : row with { Status = "Closed" }).ToList();
            await OpenTicketSeed.InsertIntoPostgresAsync(database.ConnectionString, rows);
            var seedSeconds = seeded.Elapsed.TotalSeconds;
            Progress.Say(string.Create(CultureInfo.InvariantCulture, $"console: {Open:N0} open and {Closed:N0} closed tickets written in {seedSeconds:F1} s"));

            for (var i = 0; i < WarmUp; i++)
            {
                await AskAsync(http, FilterChanges[i % FilterChanges.Length]);
            }

            var figures = new List<ConsoleListFigure>
            {
                await MeasureAsync(http, "first page (50, by next deadline)", [string.Empty]),
                await MeasureAsync(http, $"a filter change ({FilterChanges.Length} filters and orders in turn)", FilterChanges),
                await MeasureAsync(http, "the last page (offset 9,950)", ["page=200"]),
                await MeasureAsync(http, "a page of 200", ["pageSize=200&page=3"]),
            };
            foreach (var figure in figures)
            {
                Progress.Say(string.Create(CultureInfo.InvariantCulture, $"console: {figure.Scenario}: p50 {figure.Latency.P50:F1} ms, p99 {figure.Latency.P99:F1} ms"));
            }

            return new ConsoleListRun(Open, Closed, seedSeconds, figures);
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

    private static async Task<ConsoleListFigure> MeasureAsync(HttpClient http, string scenario, string[] queries)
    {
        var ticks = new long[Samples];
        var total = 0;
        for (var i = 0; i < Samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            total = await AskAsync(http, queries[i % queries.Length]);
            ticks[i] = Stopwatch.GetTimestamp() - started;
        }

        return new ConsoleListFigure(scenario, string.Join(" · ", queries.Select(q => q.Length == 0 ? "(none)" : q)), Percentiles.FromTicks(ticks), total);
    }

    /// <summary>One page as the console asks for it; the number of tickets matching.</summary>
    private static async Task<int> AskAsync(HttpClient http, string query)
    {
        using var response = await http.GetAsync($"/api/projects/{Project}/open-tickets?{query}");
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"open-tickets?{query} answered {(int)response.StatusCode}: {body}");
        }

        using var answer = System.Text.Json.JsonDocument.Parse(body);
        return answer.RootElement.GetProperty("total").GetInt32();
    }
}

/// <summary>The console part's section of docs/benchmarks.md.</summary>
internal sealed class ConsoleListReport(ConsoleListRun run, Machine machine, string command, DateTimeOffset startedAt, TimeSpan elapsed)
{
    public static readonly MarkedSection Place = new("<!-- console-list:start -->", "<!-- console-list:end -->");

    private const double GoalMs = 100;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public string Section()
    {
        var text = Place.Begin("The supervisor console's list at 10,000 open tickets", startedAt, elapsed, machine, command);
        text.AppendLine(Invariant,
            $"One gateway process on PostgreSQL (this machine's, on loopback); {run.Open:N0} open and {run.Closed:N0} closed tickets of one project in the register (written straight into storage in {run.SeedSeconds:F1} s). `GET /api/projects/{{id}}/open-tickets` asked {200} times per row, one request at a time, as the console asks: each timed from the request to the whole JSON answer read (page, total and counts of all open tickets).");
        text.AppendLine();
        text.AppendLine("| asked | query | matching | p50 | p95 | p99 | max | goal |");
        text.AppendLine("|---|---|--:|--:|--:|--:|--:|---|");
        foreach (var f in run.Figures)
        {
            var goal = f.Scenario.StartsWith("first page", StringComparison.Ordinal) || f.Scenario.StartsWith("a filter change", StringComparison.Ordinal)
                ? $"< {GoalMs:F0} ms: {(f.Latency.P99 < GoalMs ? "met at p99" : f.Latency.P50 < GoalMs ? "met at p50, NOT at p99" : "NOT met")}"
                : string.Empty;
            text.AppendLine(Invariant,
                $"| {f.Scenario} | `{f.Query}` | {f.Total:N0} | {f.Latency.P50:F1} ms | {f.Latency.P95:F1} ms | {f.Latency.P99:F1} ms | {f.Latency.Max:F1} ms | {goal} |");
        }

        text.AppendLine();
        text.AppendLine("- The figures share two cores with the gateway, its silo and PostgreSQL (and whatever else the machine ran), so they read as an upper bound. The matching column is the last query's total.");
        text.AppendLine(Place.EndMarker);
        return text.ToString();
    }
}
