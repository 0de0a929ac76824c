using System.Globalization;
using System.Text;

namespace HotlineGrains.Bench;

/// <summary>The hubclients part's section of docs/benchmarks.md: the official SignalR client weighed against the lean one.</summary>
internal sealed class HubClientsReport(IReadOnlyList<HubClientsRun> runs, Machine machine, string command, DateTimeOffset startedAt, TimeSpan elapsed)
{
    public static readonly MarkedSection Place = new("<!-- hub-clients:start -->", "<!-- hub-clients:end -->");

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public string Section()
    {
        var text = Place.Begin("Hub clients: the official SignalR client against the lean one", startedAt, elapsed, machine, command);
        text.AppendLine("Which client holds many wall displays in one process (the tests', the wallboard benchmark's): `HubClient` (tests/TestSupport) is `Microsoft.AspNetCore.SignalR.Client`'s `HubConnection`; `LeanHubClient` speaks the JSON hub protocol over a bare `ClientWebSocket` and was written when the package was not served here.");
        text.AppendLine();
        text.AppendLine("| client | clients | joined | connect + Join all, s | heap per client, kB | change → every client p50 / p99 / max, ms | pairs seen | CPU here per change, ms | error |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|---|");
        foreach (var r in runs)
        {
            text.AppendLine(Invariant,
                $"| {r.Kind} | {r.Clients:N0} | {r.Joined:N0} | {r.ConnectSeconds:F1} | {r.HeapKbPerClient:F1} | {r.Latency.P50:F0} / {r.Latency.P99:F0} / {r.Latency.Max:F0} | {r.Seen:N0}/{r.Pairs:N0} | {r.CpuMsPerChange:F0} | {r.FirstError ?? "–"} |");
        }

        text.AppendLine();
        foreach (var count in runs.Select(r => r.Clients).Distinct())
        {
            if (runs.FirstOrDefault(r => r.Clients == count && r.Kind == HubClientsBenchmark.Lean) is { } lean
                && runs.FirstOrDefault(r => r.Clients == count && r.Kind == HubClientsBenchmark.Official) is { } official)
            {
                text.AppendLine(Invariant,
                    $"- At {count:N0} clients the official client takes {official.HeapKbPerClient / lean.HeapKbPerClient:F2}× the lean one's heap per connection ({official.HeapKbPerClient * official.Joined / 1024:F0} MB against {lean.HeapKbPerClient * lean.Joined / 1024:F0} MB in all) and {official.CpuMsPerChange / lean.CpuMsPerChange:F2}× its CPU per change; p99 to every client {official.Latency.P99:F0} ms against {lean.Latency.P99:F0} ms.");
            }
        }

        text.AppendLine("- Reading: the official client costs more heap per connection, and about the same CPU per change within this machine's run-to-run noise (the ratio moved between 0.6× and 1.35× from run to run on 2026-12-05), so it is not too heavy for thousands of screens in one process: the tests and the wallboard benchmark use it. The floor benchmark (below) holds its thousands of screens with the lean client reading each delta in place: there, at 1,000 screens and 20 changes/s, the official client took 0.60 cores of the two the gateways share against the lean one's 0.37, and the gateways' p99 read 586 ms against 305 ms (2026-12-06), so it measured the screens' process as much as the gateways.");
        text.AppendLine();
        text.AppendLine("- Method: one gateway process on the embedded default with the demo floor (the wallboard part's settings); for each count, the lean clients and then the official ones connect 32 at a time with the `wallboard` display token and `Join(\"weibang-plaza\")`. Memory is this process's managed heap after a forced, compacting full collection, before connecting and with all connected, divided by the clients joined (the resident set is not reported: the runtime keeps freed memory, so its difference says little). Then 5 ticket intakes, one after another, each waited for until every client has a board showing it; latency is from just before the request to the client receiving that board, CPU is this process's (the clients') for the whole change. The lean clients ping every 10 s as the browser does; the official client keeps its connection alive by itself.");
        text.AppendLine(Place.EndMarker);
        return text.ToString();
    }
}
