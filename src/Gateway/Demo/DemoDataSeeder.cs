using HotlineGrains.Grains.Projects;
using HotlineGrains.Silo;
using Orleans;

namespace HotlineGrains.Gateway.Demo;

/// <summary>
/// The three projects of the seed regulation (000 §三), so a new user sees a living hotline at
/// once. Seeding is idempotent: a project that exists is left as it is.
/// </summary>
internal sealed class DemoDataSeeder(IGrainFactory grains) : IHostedService
{
    public static readonly IReadOnlyList<(string Id, ProjectSettings Settings)> Projects =
    [
        ("weibang-olympic-garden", new() { Name = "维邦奥林花园", Greeting = "您好,这里是维邦物业奥林花园项目客服中心,为您服务", TicketPrefix = "AL" }),
        ("weibang-plaza", new() { Name = "维邦广场", Greeting = "您好,这里是维邦物业维邦广场项目客服中心,为您服务", TicketPrefix = "GC" }),
        ("jining-shiji-jiayuan", new() { Name = "集宁世基佳园", Greeting = "您好,这里是维邦物业世基佳园项目客服中心,为您服务", TicketPrefix = "SJ" }),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, settings) in Projects)
        {
            var project = grains.GetGrain<IProjectGrain>(id);
            if (await project.GetSettings() is null)
            {
                await project.Configure(settings);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
