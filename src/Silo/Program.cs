using HotlineGrains.Silo;

// The headless worker: no HTTP, just reminders and the outbox relay beside the gateways.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddHotlineSilo(builder.Configuration);
builder.Build().Run();
