using Orleans;
using HotlineGrains.Contracts;
using HotlineGrains.Grains.Calendars;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Silo;
using HotlineGrains.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HotlineGrains.Grains.Tests;

/// <summary>
/// A silo on a throw-away SQLite file whose clock moves only when the test says so, with the
/// given consumers recording what reaches the bus. Used by the agent, customer and ticket tests.
/// </summary>
public abstract class ManualClockSiloTest(DateTimeOffset start, Action<IBusRegistrationConfigurator> consumers) : IAsyncLifetime, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-grains-").FullName;
    private IHost? host;

    protected ManualClock Clock { get; } = new(start);

    protected EventSink Events { get; } = new();

    protected IGrainFactory Grains => host!.Grains();

    protected IReadModels ReadModels => host!.Services.GetRequiredService<IReadModels>();

    protected IServiceProvider Services => host!.Services;

    protected DateTimeOffset Now => Clock.GetUtcNow();

    public async Task InitializeAsync() =>
        host = await TestSilo.StartAsync(TestSilo.Sqlite(Path.Combine(directory, "hotline.db")), time: Clock,
            configureBus: consumers,
            configureServices: services => services.AddSingleton(Events));

    public async Task DisposeAsync()
    {
        await host!.StopAsync();
        host.Dispose();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// A project on the given calendar, by default the default one (Asia/Shanghai, Monday to
    /// Friday 08:00–12:00 and 13:30–17:30); its ticket numbers start with <c>GC</c>.
    /// </summary>
    protected Task<ProjectSettings> ConfigureProject(string projectId, TimeSpan? breakLimit = null, ServiceCalendar? calendar = null) =>
        Grains.GetGrain<IProjectGrain>(projectId).Configure(new ProjectSettings
        {
            Name = "维邦广场",
            Greeting = "您好,这里是维邦物业维邦广场项目客服中心,为您服务",
            TicketPrefix = "GC",
            BreakLimit = breakLimit ?? TimeSpan.FromMinutes(15),
            Calendar = calendar ?? ServiceCalendar.Default,
        });

    /// <summary>
    /// Waits until the bus delivered <paramref name="count"/> events of <typeparamref name="T"/>
    /// matching <paramref name="match"/>; returns them in the order they happened (consumers may
    /// receive them in another).
    /// </summary>
    protected async Task<IReadOnlyList<T>> WaitForEvents<T>(int count, Func<T, bool>? match = null) where T : IHotlineEvent
    {
        IReadOnlyList<T> found = [];
        await Eventually.Until(() => (found = [.. Events.Of<T>().Where(match ?? (_ => true))]).Count >= count,
            $"{count} {typeof(T).Name} event(s) on the bus");
        return [.. found.OrderBy(e => e.OccurredAt)];
    }

    /// <summary>The intake form of a phone contact received by <paramref name="agent"/>.</summary>
    protected static TicketIntake Intake(
        string projectId,
        string agent,
        TicketKind kind = TicketKind.Complaint,
        string? customerId = null,
        DateTimeOffset? receivedAt = null,
        bool answeredOnCall = false) =>
        new(
            ProjectId: projectId,
            Kind: kind,
            Channel: Channel.Phone,
            CustomerName: "王先生",
            UnitNumber: "3-2-1201",
            ContactPhone: "13800138000",
            Content: "楼道灯坏了三天,一直没人来修",
            Category: "维修",
            Severity: Severity.General,
            Urgent: false,
            ReceivingAgent: agent,
            Department: null,
            ReceivedAt: receivedAt,
            AnsweredOnCall: answeredOnCall,
            AnswerIsDifficult: false,
            Honorific: null,
            CustomerId: customerId);

    /// <summary>Opens a ticket and waits for the number the project hands out by message.</summary>
    protected async Task<TicketState> OpenTicket(string ticketId, TicketIntake intake)
    {
        ArgumentNullException.ThrowIfNull(intake);
        Assert.True(await Grains.GetGrain<ITicketGrain>(ticketId).Open(intake, intake.ReceivingAgent));
        TicketState ticket = null!;
        await Eventually.Until(async () => (ticket = await Ticket(ticketId)).Number is not null, $"ticket {ticketId} numbered");
        return ticket;
    }

    protected Task<TicketState> Ticket(string ticketId) =>
        Grains.GetGrain<ITicketGrain>(ticketId).GetSnapshot().Then(s => s.State);
}
