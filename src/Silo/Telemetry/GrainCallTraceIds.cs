using System.Diagnostics;
using HotlineGrains.Grains.Turns;
using Microsoft.Extensions.Hosting;

namespace HotlineGrains.Silo.Telemetry;

/// <summary>
/// Orleans starts an activity for a grain call (and carries the caller's trace into it) only when
/// something listens to its source; a call that came without a trace (a reminder's) starts one of
/// the hotline's own (<see cref="GrainTraces"/>), likewise. This listener asks for the ids alone,
/// nothing recorded, so a grain's log lines carry the trace id of the request that called it on
/// every node, whether or not traces are exported (the gateway's OpenTelemetry, when it exports,
/// records them as well).
/// </summary>
public sealed class GrainCallTraceIds : IHostedService, IDisposable
{
    /// <summary>Orleans' activity source for calls to the application's grains.</summary>
    public const string GrainCallSource = "Microsoft.Orleans.Application";

    private ActivityListener? listener;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is GrainCallSource or GrainTraces.SourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
        };
        ActivitySource.AddActivityListener(listener);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        listener?.Dispose();
        listener = null;
    }
}
