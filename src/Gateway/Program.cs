using HotlineGrains.Gateway;

var builder = WebApplication.CreateBuilder(args);
builder.AddHotlineGateway();

var app = builder.Build();
app.MapHotlineGateway();
app.Run();

/// <summary>Entry point; public so functional tests can host it with WebApplicationFactory.</summary>
public partial class Program;
