using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Silo.Runtime;

/// <summary>Drops idle activations now and then, so a node's memory follows its working set, not its history.</summary>
internal sealed class ActivationCollector(GrainRuntime runtime, TimeProvider time, IOptions<SiloOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.IdleActivationTimeout / 2;
        if (interval < TimeSpan.FromSeconds(1))
        {
            interval = TimeSpan.FromSeconds(1);
        }

        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                runtime.CollectIdle();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
