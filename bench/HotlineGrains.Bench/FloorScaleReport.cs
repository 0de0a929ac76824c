using System.Globalization;
using System.Text;

namespace HotlineGrains.Bench;

/// <summary>The floor part's section of docs/benchmarks.md: the live floor at a large operator's scale (issue 13).</summary>
internal sealed class FloorScaleReport(FloorScaleRun run, Machine machine, string command, DateTimeOffset startedAt, TimeSpan elapsed)
{
    public static readonly MarkedSection Place = new("<!-- floor-scale:start -->", "<!-- floor-scale:end -->");

    /// <summary>The issue's goals: p99 change to screen, and bytes per change per screen.</summary>
    private const double GoalP99Ms = 250;
    private const double GoalBytes = 2048;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public string Section()
    {
        var r = run;
        var perGateway = r.Joined / 2.0;
        var text = Place.Begin("The live floor at scale: screens over two gateways", startedAt, elapsed, machine, command);
        text.AppendLine(Invariant,
            $"Two gateway processes, each a silo of one cluster on PostgreSQL with RabbitMQ (this machine's, on loopback); {r.OpenAtStart:N0} open tickets on one project's board, received by {r.Agents:N0} agents in turn; {r.Joined:N0} of {r.Screens:N0} screens joined live (`JoinLive`, {r.Rows} rows), half on each gateway, all held by the benchmark process with {(r.Client == FloorClient.Official ? "the official SignalR client (`HubClient`)" : "the lean client (`LeanHubClient`, each message read in place for its sequence numbers and open count: `--floor-client official` runs the official one)")}; then {(r.WarmupChanges > 0 ? string.Create(Invariant, $"{r.WarmupChanges:N0} ticket intakes over {r.WarmupSeconds:F0} s to warm up (not timed: a gateway spends its first minute of new work compiling it), then ") : string.Empty)}{r.Changes:N0} timed ticket intakes at the same steady rate, alternately through each gateway. A change is timed from its request to each screen holding a board or delta that counts it (the n-th ticket of the run counted from the n-th request sent). A delta's size is the UTF-8 bytes of its JSON argument (SignalR's envelope adds 48); a one-ticket delta is one after which the screen counts one more ticket than before it.");
        text.AppendLine();
        text.AppendLine("| figure | value | goal |");
        text.AppendLine("|---|--:|---|");
        text.AppendLine(Invariant, $"| changes sent / applied, in | {r.Changes:N0} / {r.Applied:N0}, {r.SentSeconds:F1} s ({r.Applied / r.SentSeconds:F1}/s) | 20/s for a minute |");
        text.AppendLine(Invariant, $"| change → screen p50 / p95 / p99 / max | {r.Latency.P50:F0} / {r.Latency.P95:F0} / {r.Latency.P99:F0} / {r.Latency.Max:F0} ms | p99 < {GoalP99Ms:F0} ms: {(r.Latency.P99 < GoalP99Ms ? "met" : "NOT met")} |");
        text.AppendLine(Invariant, $"| (screen, change) pairs seen | {r.Pairs:N0} of {r.Expected:N0}; {r.ReachedAll:N0} of {r.Applied:N0} changes reached every screen | every change on every screen: {(r.Complete ? "met" : "NOT met")} |");
        text.AppendLine(Invariant, $"| delta for a one-ticket change, per screen p50 / max | {r.OneChangeBytes.P50:F0} / {r.OneChangeBytes.Max:F0} bytes ({r.OneChangeBytes.Count:N0} deltas on two screens that carried one change) | < {GoalBytes:F0} bytes: {(r.OneChangeBytes.Count > 0 && r.OneChangeBytes.Max < GoalBytes ? "met" : "NOT met")} |");
        text.AppendLine(Invariant, $"| every delta, one change or several coalesced, p50 / max | {r.Bytes.P50:F0} / {r.Bytes.Max:F0} bytes ({r.Bytes.Count:N0} deltas) | |");
        text.AppendLine(Invariant, $"| board a screen joins with | {r.JoinBoardBytes / 1024.0:F1} kB | bounded |");
        text.AppendLine(Invariant, $"| deltas out of order / whole boards after joining / screens dropped | {r.Gaps:N0} / {r.WholeBoards:N0} / {r.Disconnected:N0} | |");
        text.AppendLine(Invariant, $"| screens connect + join, all | {r.ConnectSeconds:F1} s | |");
        text.AppendLine(Invariant, $"| gateway CPU while the changes ran | {string.Join(" + ", r.GatewayCores.Select(c => c.ToString("F2", Invariant)))} cores; {r.GatewayCores.Sum() / (r.Joined / 1000.0):F2} cores per 1,000 screens at {r.Applied / r.SentSeconds:F0} changes/s | written down |");
        text.AppendLine(Invariant, $"| the screens' process (this one) | {r.ClientCores:F2} cores | |");
        text.AppendLine(Invariant, $"| gateway memory: before screens → with {perGateway:N0} screens each (peak) | {string.Join("; ", r.RssBeforeMb.Select((m, i) => string.Create(Invariant, $"{m:F0} → {r.RssConnectedMb[i]:F0} MB ({r.PeakRssMb[i]:F0})")))}; {(r.RssConnectedMb.Sum() - r.RssBeforeMb.Sum()) * 1024 / r.Joined:F0} kB per screen | written down |");
        text.AppendLine(Invariant, $"| open tickets recorded before the run | {r.OpenAtStart:N0} in {r.SeedSeconds:F0} s | |");
        text.AppendLine(Invariant, $"| gateway warnings | {r.GatewayWarnings}{(r.FirstGatewayWarning is null ? string.Empty : ": " + r.FirstGatewayWarning.Replace("|", "/", StringComparison.Ordinal))} | |");
        if (r.FirstConnectError is not null || r.FirstError is not null)
        {
            text.AppendLine(Invariant, $"| first error | {(r.FirstConnectError ?? r.FirstError)!.Replace("|", "/", StringComparison.Ordinal)} | |");
        }

        text.AppendLine();
        var cores = r.GatewayCores.Sum() + r.ClientCores;
        text.AppendLine(Invariant,
            $"- What runs out first on this machine: CPU. The two gateways and the screens' process used {cores:F2} of its {machine.Processors} cores while {r.Joined:N0} screens took {r.Applied / r.SentSeconds:F0} changes/s, beside PostgreSQL and RabbitMQ; memory ({(r.RssConnectedMb.Sum() - r.RssBeforeMb.Sum()) * 1024 / r.Joined:F0} kB per screen on the gateways) is far from the machine's 24 GiB. Every figure here shares two cores between the screens, the gateways, their silos, PostgreSQL and RabbitMQ, so it reads as an upper bound on what a gateway on its own cores would take.");
        text.AppendLine(Place.EndMarker);
        return text.ToString();
    }
}
