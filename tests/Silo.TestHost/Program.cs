using System.Globalization;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;

// A silo process for tests that kill a node or run two. Settings come as --Key=Value, e.g.
// --Storage:Provider=Postgres --Storage:ConnectionString=... --Orleans:SiloPort=... --Probe:Command=...
//   serve                                  run until killed (reminders fire, outbox relays); prints READY
//   set-reminder  Probe:Key Probe:DueInMilliseconds [Probe:ReminderName]   set a one-shot reminder, print READY, then serve
//   increment     Probe:Key Probe:Count Probe:Parallelism   increment a counter, print DONE, exit
//   ticket-numbers Probe:Key Probe:Count Probe:Parallelism  issue ticket numbers, print each, exit
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
builder.Configuration.AddCommandLine(args);
builder.Logging.AddSimpleConsole().AddFilter(level => level >= LogLevel.Warning);
var probe = builder.Configuration.GetSection("Probe");
TestSilo.Configure(builder, probe["Node"] ?? Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();
var key = probe["Key"] ?? "probe";
var count = probe.GetValue("Count", 1);
var parallelism = probe.GetValue("Parallelism", 16);
var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism };

switch (probe["Command"])
{
    case "set-reminder":
        var due = TimeProvider.System.GetUtcNow().AddMilliseconds(probe.GetValue("DueInMilliseconds", 3000));
        await grains.GetGrain<IReminderProbeGrain>(key).Set(probe["ReminderName"] ?? "probe", due);
        Console.WriteLine("READY " + due.ToString("O", CultureInfo.InvariantCulture));
        await host.WaitForShutdownAsync();
        break;
    case "increment":
        await Parallel.ForAsync(0, count, options, async (_, _) => await grains.GetGrain<ICounterGrain>(key).Increment());
        Console.WriteLine("DONE");
        break;
    case "ticket-numbers":
        var numbers = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForAsync(0, count, options, async (i, _) =>
            numbers.Add(await grains.GetGrain<IProjectGrain>(key).IssueTicketNumber($"{probe["Node"]}-{i}", "test-host")));
        Console.WriteLine(string.Join('\n', numbers));
        Console.WriteLine("DONE");
        break;
    default:
        Console.WriteLine("READY");
        await host.WaitForShutdownAsync();
        break;
}

await host.StopAsync();
