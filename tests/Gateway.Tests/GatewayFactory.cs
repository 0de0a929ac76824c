using HotlineGrains.Gateway.Security;
using HotlineGrains.Silo.Outbox;
using HotlineGrains.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineGrains.Gateway.Tests;

/// <summary>The gateway in-process on a real database: a SQLite file of its own, or a PostgreSQL database of its own.</summary>
public sealed class GatewayFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-gateway-").FullName;
    private PostgresDatabase? postgres;

    public string Provider { get; set; } = "Sqlite";

    /// <summary>More settings for the gateway under test, applied last.</summary>
    public Dictionary<string, string> Settings { get; } = [];

    /// <summary>Seed the demo floor (agents, customers, tickets) too; off so tests see only their own tickets.</summary>
    public bool DemoFloor { get; set; }

    /// <summary>When set, the gateway's clock: tests move time instead of waiting for it.</summary>
    public ManualClock? Clock { get; set; }

    /// <summary>When set, every log line the gateway writes (Information and above), with its scopes' fields.</summary>
    public Operations.CapturedLogs? Logs { get; set; }

    /// <summary>Every event the outbox relay put on the bus, in order.</summary>
    public PublishedEvents Published { get; } = new();

    /// <summary>The key the gateway under test is given with <see cref="WithSigningKey"/>.</summary>
    public const string SigningKey = "hotline-tests-signing-key-0123456789abcdef";

    /// <summary>
    /// Give the gateway <see cref="SigningKey"/>. Off by default: with demo on the gateway makes one up,
    /// as the embedded default does (demo beside a key of one's own is refused outside Development),
    /// and <see cref="TokenFor"/> signs with whichever key the gateway holds.
    /// </summary>
    public bool WithSigningKey { get; set; }

    /// <summary>The host environment; "Testing" is none of Development, Staging or Production.</summary>
    public string Environment { get; set; } = "Testing";

    /// <summary>
    /// Demo data (the seed projects) and demo tokens, set explicitly; off, the gateway has no demo
    /// setting from the test at all, so its environment's appsettings decide.
    /// </summary>
    public bool Demo { get; set; } = true;

    /// <summary>
    /// A token for <paramref name="user"/>. Functional tests act with every role on every project
    /// and department (who may do what is the authorization matrix's business); pass narrower
    /// claims to test the limits.
    /// </summary>
    public string TokenFor(string user, string[]? roles = null, string[]? projects = null, string[]? departments = null, TimeSpan? lifetime = null) =>
        Services.GetRequiredService<TokenIssuer>().Issue(user, roles ?? [.. Roles.All], projects ?? [HotlineClaims.AllProjects],
            departments ?? [HotlineClaims.AllProjects], lifetime ?? TimeSpan.FromDays(3650));

    /// <summary>
    /// A gateway of a test's own, set up by <paramref name="configure"/> (its environment, demo, key),
    /// started, handed to <paramref name="use"/>, then removed; a gateway that refuses to start throws here.
    /// </summary>
    public static async Task Run(Action<GatewayFactory> configure, Func<GatewayFactory, Task> use)
    {
        var gateway = new GatewayFactory();
        configure(gateway);
        await ((IAsyncLifetime)gateway).InitializeAsync();
        try
        {
            // Starts the host: a refusal at start-up (options validation) is thrown here.
            using (gateway.CreateClient())
            {
            }

            await use(gateway);
        }
        finally
        {
            await ((IAsyncLifetime)gateway).DisposeAsync();
        }
    }

    /// <summary>A wallboard hub connection through the test server, with <paramref name="token"/> (none: an empty one).</summary>
    public Task<HubClient> ConnectToHubAsync(string? token) =>
        HubClient.ConnectAsync(new Uri(Server.BaseAddress, "/hubs/wallboard"), token ?? string.Empty,
            (uri, cancellationToken) => Server.CreateWebSocketClient().ConnectAsync(uri, cancellationToken));

    /// <summary>A client of <paramref name="gateway"/> with no token, as a stranger calls.</summary>
    public HttpClient CreateAnonymousClient() => new(Server.CreateHandler()) { BaseAddress = Server.BaseAddress };

    /// <summary>Clients made by the factory act as "tester" with every role, unless a request says otherwise.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TokenFor("tester"));
    }

    public async Task InitializeAsync()
    {
        if (Provider == "Postgres")
        {
            postgres = await PostgresDatabase.CreateAsync();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        var storage = postgres is not null ? TestSilo.Postgres(postgres.ConnectionString) : TestSilo.Sqlite(Path.Combine(directory, "hotline.db"));
        foreach (var (key, value) in TestSilo.ForTest(storage, Clock))
        {
            builder.UseSetting(key, value);
        }

        if (Demo)
        {
            builder.UseSetting("Demo:Enabled", "true");
            builder.UseSetting("Demo:Floor", DemoFloor ? "true" : "false");
            builder.UseSetting("Demo:CallSimulator", "false");
            // The demo month (hundreds of tickets of history) only where a test sets it in Settings.
            builder.UseSetting("Demo:Month", "false");
        }

        if (WithSigningKey)
        {
            builder.UseSetting("Auth:SigningKey", SigningKey);
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services =>
        {
            if (Clock is not null)
            {
                services.AddManualClock(Clock);
            }

            if (Logs is not null)
            {
                services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Logs);
            }

            // The test server has no socket: requests arrive from loopback, as through Kestrel on one machine.
            services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, LoopbackConnection>();

            // Record what leaves through the outbox, then hand it on to the real bus.
            var bus = services.Last(d => d.ServiceType == typeof(IEventPublisher));
            services.Remove(bus);
            services.AddSingleton<IEventPublisher>(provider =>
                new RecordingPublisher((IEventPublisher)ActivatorUtilities.CreateInstance(provider, bus.ImplementationType!), Published));
        });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }
    }
}

public sealed class PostgresGatewayFactory : IAsyncLifetime
{
    public GatewayFactory Factory { get; } = new() { Provider = "Postgres" };

    public Task InitializeAsync() => ((IAsyncLifetime)Factory).InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)Factory).DisposeAsync();
}

/// <summary>The events published so far, in the order they left the outbox.</summary>
public sealed class PublishedEvents
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(Guid MessageId, object Event)> events = new();

    public IReadOnlyList<object> All => events.Select(e => e.Event).ToList();

    public IReadOnlyList<(Guid MessageId, object Event)> WithIds => events.ToList();

    public void Add(Guid messageId, object @event) => events.Enqueue((messageId, @event));

    public IReadOnlyList<T> Of<T>() => All.OfType<T>().ToList();
}

internal sealed class RecordingPublisher(IEventPublisher inner, PublishedEvents published) : IEventPublisher
{
    public async Task PublishAsync(object @event, Type eventType, Guid messageId, CancellationToken cancellationToken)
    {
        await inner.PublishAsync(@event, eventType, messageId, cancellationToken);
        published.Add(messageId, @event);
    }
}

internal sealed class LoopbackConnection : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        app.Use(nextMiddleware => context =>
        {
            context.Connection.RemoteIpAddress ??= System.Net.IPAddress.Loopback;
            return nextMiddleware(context);
        });
        next(app);
    };
}
