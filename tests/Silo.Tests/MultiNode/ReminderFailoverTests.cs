using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace HotlineGrains.Silo.Tests.MultiNode;

/// <summary>Reminders belong to the cluster and its table, not to the silo that registered them.</summary>
public sealed class ReminderFailoverTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_reminder_fires_after_the_silo_that_registered_it_was_killed()
    {
        const string key = "killed-before-due";
        await using (var doomed = SiloProcess.Start(Settings("doomed", "set-reminder", key, dueInMilliseconds: 4000)))
        {
            var ready = await doomed.WaitForLineAsync("READY");
            await doomed.KillAsync();
            Assert.True(DateTimeOffset.UtcNow < DateTimeOffset.Parse(ready[6..], System.Globalization.CultureInfo.InvariantCulture),
                "the node must die before the reminder is due, or this test proves nothing");
        }

        using var survivor = await TestSilo.StartAsync(TestSilo.Postgres(database.ConnectionString), "survivor");

        var firing = await WaitForSingleFiring(survivor, key);
        Assert.Equal("survivor", firing.Node);
        Assert.True(firing.FiredAt >= firing.DueAt);
        await survivor.StopAsync();
    }

    [Fact]
    public async Task Reminders_owned_by_a_silo_that_is_killed_fire_on_the_survivor()
    {
        const int grains = 40;
        using var survivor = await TestSilo.StartAsync(TestSilo.Postgres(database.ConnectionString), "survivor");
        await using (var doomed = SiloProcess.Start(Settings("doomed", "serve", "none", dueInMilliseconds: 0)))
        {
            await doomed.WaitForLineAsync("READY");
            await Eventually.Until(async () => await ActiveSilos() == 2, "both silos in the cluster");

            // Spread over the ring, so the dead silo owned some of them when it died.
            var due = DateTimeOffset.UtcNow.AddSeconds(20);
            await Parallel.ForAsync(0, grains, async (i, _) =>
                await survivor.Grains().GetGrain<IReminderProbeGrain>($"spread-{i}").Set("due", due));
            await doomed.KillAsync();
            Assert.True(DateTimeOffset.UtcNow < due, "the silo must die before the reminders are due, or this test proves nothing");
        }

        await Eventually.UntilRecovered(async () =>
        {
            var fired = 0;
            for (var i = 0; i < grains; i++)
            {
                fired += (await survivor.Grains().GetGrain<IReminderProbeGrain>($"spread-{i}").GetFirings()).Count > 0 ? 1 : 0;
            }

            return fired == grains;
        }, "every reminder fired on the survivor", TimeSpan.FromSeconds(90));
        for (var i = 0; i < grains; i++)
        {
            var firings = await survivor.Grains().GetGrain<IReminderProbeGrain>($"spread-{i}").GetFirings();
            Assert.All(firings, f => Assert.True(f.FiredAt >= f.DueAt));
            Assert.Equal("survivor", firings[^1].Node);
        }

        await survivor.StopAsync();
    }

    [Fact]
    public async Task With_two_silos_running_each_due_reminder_fires_once()
    {
        const int grains = 300;
        var settings = TestSilo.Postgres(database.ConnectionString);
        using var first = await TestSilo.StartAsync(settings, "first");
        using var second = await TestSilo.StartAsync(settings, "second");

        // Both silos must see the same ring before the reminders are set. While the first has not
        // yet seen the second join, it registers reminders for the part of the ring the second is
        // taking over; if the second read that part of the table just before, those reminders wait
        // for the next table refresh (Orleans' RefreshReminderListPeriod, 5 minutes). That race
        // belongs to a join, not to what this test names.
        await Eventually.Until(() => SeeEachOther(first, second), "both silos see a cluster of the two", TimeSpan.FromSeconds(60));
        var due = DateTimeOffset.UtcNow.AddSeconds(2);

        await Parallel.ForAsync(0, grains, async (i, token) =>
            await first.Grains().GetGrain<IReminderProbeGrain>($"once-{i}").Set("due", due.AddMilliseconds(i * 5)));

        await Eventually.Until(async () =>
        {
            var fired = 0;
            for (var i = 0; i < grains; i++)
            {
                fired += (await first.Grains().GetGrain<IReminderProbeGrain>($"once-{i}").GetFirings()).Count;
            }

            return fired >= grains;
        }, "every reminder fired", TimeSpan.FromSeconds(60));

        var byNode = new Dictionary<string, int>();
        for (var i = 0; i < grains; i++)
        {
            var firing = Assert.Single(await first.Grains().GetGrain<IReminderProbeGrain>($"once-{i}").GetFirings());
            byNode[firing.Node] = byNode.GetValueOrDefault(firing.Node) + 1;
        }

        // Each grain stored one firing, whichever silo ran it. Orleans delivers a tick at least once:
        // a run whose turn was not stored (the database slow under load, say) is tried again, and a
        // run after the one stored finds the reminder gone; none adds a second firing.
        var runs = first.Services.GetRequiredService<ProbeNode>().ReminderRuns + second.Services.GetRequiredService<ProbeNode>().ReminderRuns;
        Assert.True(runs >= grains, $"{runs} runs for {grains} reminders");
        Assert.Equal(grains, byNode.Values.Sum());
        await first.StopAsync();
        await second.StopAsync();
    }

    private static bool SeeEachOther(params IHost[] silos)
    {
        var addresses = silos.Select(s => s.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress).ToHashSet();
        return silos.All(s =>
        {
            var active = s.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values
                .Where(m => m.Status == SiloStatus.Active)
                .Select(m => m.SiloAddress);
            return addresses.SetEquals(active);
        });
    }

    private async Task<int> ActiveSilos()
    {
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select count(*) from orleans_membership where status = 3", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<FiringRecord> WaitForSingleFiring(IHost host, string key)
    {
        await Eventually.Until(async () => (await host.Grains().GetGrain<IReminderProbeGrain>(key).GetFirings()).Count > 0,
            $"reminder of {key} fired", TimeSpan.FromSeconds(60));
        return Assert.Single(await host.Grains().GetGrain<IReminderProbeGrain>(key).GetFirings());
    }

    private Dictionary<string, string?> Settings(string node, string command, string key, int dueInMilliseconds, string? reminderName = null)
    {
        var settings = TestSilo.Postgres(database.ConnectionString);
        settings["Probe:Node"] = node;
        settings["Probe:Command"] = command;
        settings["Probe:Key"] = key;
        settings["Probe:DueInMilliseconds"] = dueInMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (reminderName is not null)
        {
            settings["Probe:ReminderName"] = reminderName;
        }

        return settings;
    }
}
