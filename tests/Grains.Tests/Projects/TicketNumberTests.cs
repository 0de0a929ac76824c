using Orleans;
using HotlineGrains.Contracts;
using HotlineGrains.Grains.Calendars;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Silo;
using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HotlineGrains.Grains.Tests.Projects;

/// <summary>Ticket numbers: <c>{PREFIX}-{yyyyMMdd}-{seq:0000}</c> per project and service day (SPEC §3).</summary>
public sealed class TicketNumberTests : IAsyncLifetime, IDisposable
{
    // 23:58 in Shanghai (UTC+8): two minutes before the service day changes there.
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 3, 2, 15, 58, 0, TimeSpan.Zero));
    private readonly EventSink events = new();
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-grains-").FullName;
    private IHost? host;

    private IGrainFactory Grains => host!.Grains();

    public async Task InitializeAsync() => host = await StartHost();

    private Task<IHost> StartHost() =>
        TestSilo.StartAsync(TestSilo.Sqlite(Path.Combine(directory, "hotline.db")), time: clock,
            configureBus: bus => bus.AddConsumer<EventRecorder<TicketNumberIssued>>(),
            configureServices: services => services.AddSingleton(events));

    public async Task DisposeAsync()
    {
        await host!.StopAsync();
        host.Dispose();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Numbers_carry_the_prefix_the_project_day_and_a_four_digit_sequence()
    {
        await Configure("olympic", "AL", "Asia/Shanghai");

        Assert.Equal("AL-20260302-0001", await Issue("olympic"));
        Assert.Equal("AL-20260302-0002", await Issue("olympic"));
    }

    [Fact]
    public async Task The_sequence_starts_again_at_midnight_in_the_project_time_zone()
    {
        await Configure("olympic", "AL", "Asia/Shanghai");
        Assert.Equal("AL-20260302-0001", await Issue("olympic"));

        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("AL-20260303-0001", await Issue("olympic"));
        Assert.Equal("AL-20260303-0002", await Issue("olympic"));
    }

    [Fact]
    public async Task Each_project_counts_on_its_own_service_day()
    {
        await Configure("shanghai", "SH", "Asia/Shanghai");
        await Configure("london", "LD", "Europe/London");

        // 15:58 UTC is 23:58 in Shanghai but 15:58 in London, both on 2 March; at 16:00 UTC only Shanghai has moved on.
        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("SH-20260303-0001", await Issue("shanghai"));
        Assert.Equal("LD-20260302-0001", await Issue("london"));
    }

    [Fact]
    public async Task Numbers_go_on_after_a_restart_and_are_never_handed_out_again()
    {
        await Configure("olympic", "AL", "Asia/Shanghai");
        Assert.Equal("AL-20260302-0001", await Issue("olympic"));

        await host!.StopAsync();
        host.Dispose();
        host = await StartHost();

        Assert.Equal("AL-20260302-0002", await Issue("olympic"));
    }

    [Fact]
    public async Task The_sequence_never_goes_back_a_day_when_a_node_clock_lags()
    {
        await Configure("olympic", "AL", "Asia/Shanghai");
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("AL-20260303-0001", await Issue("olympic"));

        // Another node's clock, a minute behind, still sees 2 March.
        var lagging = new ManualClock(clock.GetUtcNow().AddMinutes(-1));
        await host!.StopAsync();
        host.Dispose();
        host = await TestSilo.StartAsync(TestSilo.Sqlite(Path.Combine(directory, "hotline.db")), time: lagging);

        Assert.Equal("AL-20260303-0002", await Issue("olympic"));
    }

    [Fact]
    public async Task Every_number_is_published_as_TicketNumberIssued_with_its_event_id_as_message_id()
    {
        await Configure("olympic", "AL", "Asia/Shanghai");

        var number = await Issue("olympic");

        await Eventually.Until(() => events.Of<TicketNumberIssued>().Any(), "TicketNumberIssued on the bus");
        var (messageId, message) = Assert.Single(events.Received);
        var issued = Assert.IsType<TicketNumberIssued>(message);
        Assert.Equal(number, issued.TicketNumber);
        Assert.Equal("olympic", issued.ProjectId);
        Assert.Equal(1, issued.Sequence);
        Assert.Equal(new DateOnly(2026, 3, 2), issued.ServiceDate);
        Assert.Equal(issued.EventId, messageId);
        Assert.Equal(TicketNumberIssued.CurrentSchemaVersion, issued.SchemaVersion);
    }

    [Fact]
    public async Task An_unconfigured_project_hands_out_no_number()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Issue("nowhere"));

        Assert.Null(await Grains.GetGrain<IProjectGrain>("nowhere").GetSettings());
    }

    [Fact]
    public async Task A_project_with_an_unknown_time_zone_is_refused()
    {
        var refused = await Assert.ThrowsAsync<ProjectSettingsException>(() => Configure("mars", "MA", "Mars/Olympus_Mons"));

        Assert.Contains(refused.Problems, p => p.Field == "calendar.timeZone");
        Assert.Null(await Grains.GetGrain<IProjectGrain>("mars").GetSettings());
    }

    private Task<ProjectSettings> Configure(string project, string prefix, string timeZone) =>
        Grains.GetGrain<IProjectGrain>(project).Configure(new ProjectSettings
        {
            Name = project,
            Greeting = "您好",
            TicketPrefix = prefix,
            Calendar = new HotlineGrains.Grains.Calendars.ServiceCalendar { TimeZone = timeZone },
        });

    private Task<string> Issue(string project) =>
        Grains.GetGrain<IProjectGrain>(project).IssueTicketNumber(Guid.NewGuid().ToString("N"), "agent-1");
}
