using Microsoft.Extensions.Hosting;

namespace HotlineGrains.Silo;

/// <summary>The headless silo: hosts grains, fires reminders and relays the outbox, beside the gateways.</summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddHotline();
        builder.Build().Run();
    }
}
