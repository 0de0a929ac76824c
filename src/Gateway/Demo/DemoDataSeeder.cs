using HotlineGrains.Grains.Projects;
using HotlineGrains.Silo;

namespace HotlineGrains.Gateway.Demo;

/// <summary>
/// The three projects of the seed regulation (000 §三), so a new user sees a living hotline at
/// once. Seeding is idempotent: a project that exists is left as it is.
/// </summary>
internal sealed class DemoDataSeeder(IGrainClient grains) : IHostedService
{
    public static readonly IReadOnlyList<(string Id, ProjectProfile Profile)> Projects =
    [
        ("weibang-olympic-garden", new("维邦奥林花园", "您好,这里是维邦物业奥林花园项目客服中心,为您服务", ProjectProfile.DefaultTimeZone, "AL")),
        ("weibang-plaza", new("维邦广场", "您好,这里是维邦物业维邦广场项目客服中心,为您服务", ProjectProfile.DefaultTimeZone, "GC")),
        ("jining-shiji-jiayuan", new("集宁世基佳园", "您好,这里是维邦物业世基佳园项目客服中心,为您服务", ProjectProfile.DefaultTimeZone, "SJ")),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, profile) in Projects)
        {
            await grains.CallAsync<ProjectGrain>(id, async project =>
            {
                if (project.Profile is null)
                {
                    await project.Configure(profile);
                }
            }, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
