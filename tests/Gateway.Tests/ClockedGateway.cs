using HotlineGrains.Contracts;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests;

/// <summary>
/// A gateway of the test's own, on a fresh database, whose clock moves only when the test says
/// so: SLA reminders and callbacks fire because time was advanced, never because a test slept.
/// The clock starts on Monday 2 March 2026, 09:00 in Shanghai, inside the seed projects' service hours.
/// </summary>
public abstract class ClockedGateway(string provider) : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private GatewayFactory? factory;

    protected ManualClock Clock { get; } = new(Start);

    protected HotlineApi Api { get; private set; } = null!;

    protected PublishedEvents Published => factory!.Published;

    protected IServiceProvider Services => factory!.Services;

    protected GatewayFactory Factory => factory!;

    protected DateTimeOffset Now => Clock.GetUtcNow();

    public async Task InitializeAsync()
    {
        factory = new GatewayFactory { Provider = provider, Clock = Clock };
        Configure(factory);
        await ((IAsyncLifetime)factory).InitializeAsync();
        Api = new HotlineApi(factory.CreateClient(), user => factory.TokenFor(user));
    }

    /// <summary>Settings of a test class's own, before the gateway starts.</summary>
    protected virtual void Configure(GatewayFactory gateway)
    {
    }

    public async Task DisposeAsync()
    {
        Api?.Client.Dispose();
        await ((IAsyncLifetime)factory!).DisposeAsync();
    }

    /// <summary>The events of one ticket that have left the outbox, in the order they left it.</summary>
    protected IReadOnlyList<TicketEvent> EventsOf(string ticketId) =>
        [.. Published.All.OfType<TicketEvent>().Where(e => e.TicketId == ticketId)];

    /// <summary>Waits until the ticket's published events number <paramref name="count"/>, then returns their type names in order.</summary>
    protected async Task<IReadOnlyList<string>> WaitForEvents(string ticketId, int count)
    {
        await Eventually.Until(() => EventsOf(ticketId).Count >= count, $"{count} events of ticket {ticketId} published");
        return [.. EventsOf(ticketId).Select(e => e.GetType().Name)];
    }

    /// <summary>Waits for the first event of <typeparamref name="T"/> on the ticket that matches.</summary>
    protected async Task<T> WaitFor<T>(string ticketId, Func<T, bool>? match = null) where T : TicketEvent
    {
        T? found = null;
        await Eventually.Until(() => (found = EventsOf(ticketId).OfType<T>().FirstOrDefault(match ?? (_ => true))) is not null,
            $"{typeof(T).Name} of ticket {ticketId} published");
        return found!;
    }
}
