using HotlineGrains.Silo;

// The headless silo: hosts grains, fires reminders and relays the outbox, beside the gateways.
var builder = Host.CreateApplicationBuilder(args);
builder.AddHotline();
builder.Build().Run();
