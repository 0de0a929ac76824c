using HotlineGrains.Silo.Operations;
using Microsoft.AspNetCore.Builder;

namespace HotlineGrains.Silo;

/// <summary>
/// The headless silo: hosts grains, fires reminders and relays the outbox, beside the gateways. Its
/// only HTTP is the management port: <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.
/// </summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddHotline();
        builder.AddHotlineOperations(HotlineNode.HeadlessSilo);
        var app = builder.Build();
        app.MapHotlineOperations();
        app.Run();
    }
}
