using System.Globalization;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Silo;
using HotlineGrains.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: HotlineGrains.Silo.TestHost --Storage:Provider=Postgres --Storage:ConnectionString=... --Probe:Command=...
//   serve                                  run until killed (reminders fire, outbox relays)
//   set-reminder  Probe:Key Probe:DueInMilliseconds [Probe:ReminderName]   set a one-shot reminder, print READY, then serve
//   increment     Probe:Key Probe:Count Probe:Parallelism   increment a counter, print DONE, exit
//   ticket-numbers Probe:Key Probe:Count Probe:Parallelism  issue ticket numbers, print each, exit
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
builder.Configuration.AddCommandLine(args);
builder.Logging.AddSimpleConsole().AddFilter(level => level >= LogLevel.Warning);
var probe = builder.Configuration.GetSection("Probe");
TestSilo.ConfigureServices(builder.Services, builder.Configuration, probe["Node"] ?? Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainClient>();
var key = probe["Key"] ?? "probe";
var count = probe.GetValue("Count", 1);
var parallelism = probe.GetValue("Parallelism", 16);
var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism };

switch (probe["Command"])
{
    case "set-reminder":
        var due = TimeProvider.System.GetUtcNow().AddMilliseconds(probe.GetValue("DueInMilliseconds", 3000));
        await grains.CallAsync<ReminderProbeGrain>(key, g => g.Set(probe["ReminderName"] ?? "probe", due));
        Console.WriteLine("READY " + due.ToString("O", CultureInfo.InvariantCulture));
        await host.WaitForShutdownAsync();
        break;
    case "increment":
        await Parallel.ForAsync(0, count, options, async (_, token) => await grains.CallAsync<CounterGrain, int>(key, c => c.Increment(), token));
        Console.WriteLine("DONE");
        break;
    case "ticket-numbers":
        var numbers = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForAsync(0, count, options, async (_, token) =>
            numbers.Add(await grains.CallAsync<ProjectGrain, string>(key, p => p.IssueTicketNumber("test-host"), token)));
        Console.WriteLine(string.Join('\n', numbers));
        Console.WriteLine("DONE");
        break;
    default:
        Console.WriteLine("READY");
        await host.WaitForShutdownAsync();
        break;
}

await host.StopAsync();
