using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Silo;
using Orleans;

namespace HotlineGrains.Gateway.Demo;

/// <summary>
/// A phone switch for the embedded default, so the demo floor is alive: calls ring on each seed
/// project every little while, most are answered within a few seconds by a demo agent (who is
/// then on the call, wraps up and is ready again), some are abandoned. Runs only with
/// <c>Demo:Enabled</c> and <c>Demo:CallSimulator</c>; production calls come from the real switch.
/// </summary>
internal sealed partial class CallSimulator(IGrainFactory grains, TimeProvider time, ILogger<CallSimulator> logger) : BackgroundService
{
    /// <summary>Fixed, so two runs of the demo ring alike.</summary>
    private const int Seed = 400;

    private readonly Random random = new(Seed);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var calls = new List<Task>();
        var number = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(random.Next(4, 15)), time, stoppingToken);
                var (projectId, settings) = DemoDataSeeder.Projects[random.Next(DemoDataSeeder.Projects.Count)];
                var agent = $"agent-{settings.TicketPrefix.ToLowerInvariant()}-{random.Next(1, 3)}";
                calls.Add(Call(projectId, $"demo-{++number}", agent, random.Next(1, 7), random.NextDouble() < 0.1, random.Next(30, 180), stoppingToken));
                calls.RemoveAll(c => c.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: calls in progress end with the process.
        }
    }

    private async Task Call(string projectId, string callId, string agent, int ringSeconds, bool abandoned, int talkSeconds, CancellationToken cancellationToken)
    {
        try
        {
            await Record(projectId, callId, CallEventKind.Ringing, null, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(ringSeconds), time, cancellationToken);
            if (abandoned)
            {
                await Record(projectId, callId, CallEventKind.Abandoned, null, cancellationToken);
                return;
            }

            await Record(projectId, callId, CallEventKind.Answered, agent, cancellationToken);
            await Presence(agent, Grains.Agents.Presence.OnCall, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(talkSeconds), time, cancellationToken);
            await Record(projectId, callId, CallEventKind.Ended, agent, cancellationToken);
            await Presence(agent, Grains.Agents.Presence.WrapUp, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(20), time, cancellationToken);
            await Presence(agent, Grains.Agents.Presence.Available, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogCallFailed(logger, exception, callId);
        }
    }

    private Task Record(string projectId, string callId, CallEventKind kind, string? agent, CancellationToken cancellationToken) =>
        grains.GetGrain<IProjectGrain>(projectId).RecordCall(new CallEvent(callId, kind, time.GetUtcNow(), agent));

    /// <summary>Only demo agents who are at work take calls: one on a break or on leave stays so.</summary>
    private async Task Presence(string agent, Presence to, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (await grains.GetGrain<IAgentGrain>(agent).GetView(now) is { Presence: Grains.Agents.Presence.Available or Grains.Agents.Presence.OnCall or Grains.Agents.Presence.WrapUp })
        {
            await grains.GetGrain<IAgentGrain>(agent).SetPresence(to, "system:switch");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated call {CallId} failed")]
    private static partial void LogCallFailed(ILogger logger, Exception exception, string callId);
}
