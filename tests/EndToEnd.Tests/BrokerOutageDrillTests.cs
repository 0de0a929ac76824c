using System.Collections.Concurrent;
using System.Diagnostics;
using HotlineGrains.Testing;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace HotlineGrains.EndToEnd.Tests;

/// <summary>
/// RabbitMQ outage drill (issue 11) with real processes: a gateway (co-hosting its silo) on a
/// PostgreSQL and a RabbitMQ of the drill's own, the broker stopped while callers record tickets and
/// started again. Callers notice nothing; the outbox holds the events and delivers every one after,
/// with its event id as message id; a second delivery is a redelivery with the same id.
/// </summary>
[Collection(Alone.Name)]
public sealed class BrokerOutageDrillTests(ITestOutputHelper output) : OutageDrill
{
    /// <summary>How long the broker is away: the minute the issue measured the product with.</summary>
    private static readonly TimeSpan BrokerDownFor = TimeSpan.FromSeconds(60);

    /// <summary>What the issue asks of the relay once the broker is back.</summary>
    private static readonly TimeSpan EventsFlowingWithin = TimeSpan.FromSeconds(5);

    private const string Queue = "drill.ticket-received";
    private readonly ConcurrentQueue<(string Ticket, string? MessageId, TimeSpan At)> received = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private IConnection? connection;

    public override async Task DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_minute_without_the_broker_fails_no_caller_and_every_event_arrives_with_its_id_within_seconds_of_its_return()
    {
        await using var gateway = await StartGatewayAsync();
        await ListenAsync();
        try
        {
            await DrillAsync(gateway);
        }
        finally
        {
            var log = gateway.Output.Split('\n');
            output.WriteLine(string.Join('\n', log.Select((line, i) => (line, i))
                .Where(l => l.line.StartsWith("warn:", StringComparison.Ordinal) || l.line.StartsWith("fail:", StringComparison.Ordinal) || l.line.Contains("Outbox", StringComparison.Ordinal))
                .Select(l => l.line + " " + (l.i + 1 < log.Length ? log[l.i + 1].Trim() : string.Empty)).Take(60)));
        }
    }

    private async Task DrillAsync(GatewayProcess gateway)
    {
        var load = new OutageLoad(gateway.Address, await gateway.DemoTokenAsync("agent-gc-1"), "weibang-plaza", "agent-gc-1");
        var callers = Enumerable.Range(0, 2).Select(load.RunAsync).ToArray();
        await load.WaitForTicketsAsync(4);
        await Eventually.Until(() => !received.IsEmpty, "events flowing before the outage", TimeSpan.FromSeconds(60));

        await Broker.StopAsync();
        var stopped = load.Acknowledged.Count;
        output.WriteLine($"{clock.Elapsed:mm\\:ss} broker stopped after {stopped} tickets");
        await Task.Delay(BrokerDownFor);
        var whileDown = load.Acknowledged.Count - stopped;
        var backlog = await Database.ScalarAsync<long>("select count(*) from outbox");
        output.WriteLine($"{clock.Elapsed:mm\\:ss} {whileDown} tickets recorded in {BrokerDownFor.TotalSeconds:F0} s without the broker; outbox holds {backlog} rows");

        await Broker.StartAgainAsync();
        var back = clock.Elapsed;
        await ListenAsync();
        await Eventually.Until(() => received.Any(r => r.At >= back), "the first event after the broker's return", TimeSpan.FromSeconds(120));
        var firstEvent = received.Where(r => r.At >= back).Min(r => r.At) - back;
        output.WriteLine($"{clock.Elapsed:mm\\:ss} first event {firstEvent.TotalSeconds:F1} s after the broker was back");

        load.Stop();
        await Task.WhenAll(callers);
        var tickets = load.Acknowledged.Values.ToHashSet();
        Assert.True(load.Failures.IsEmpty && load.Unavailable == 0,
            $"{load.Unavailable} answers 503; failures:\n{string.Join('\n', load.Failures.Take(10))}");
        await Eventually.Until(() => tickets.IsSubsetOf(received.Select(r => r.Ticket)), "every ticket's TicketReceived", TimeSpan.FromSeconds(120));
        var deliveries = received.Where(r => tickets.Contains(r.Ticket)).GroupBy(r => r.Ticket).ToList();
        output.WriteLine($"{clock.Elapsed:mm\\:ss} {tickets.Count} tickets, {deliveries.Sum(d => d.Count())} deliveries, {deliveries.Count(d => d.Count() > 1)} redelivered, outbox empty after: {await Database.ScalarAsync<long>("select count(*) from outbox")} rows");

        Assert.True(whileDown > 0, "no ticket was recorded while the broker was down");
        Assert.True(backlog > 0, "the outbox held nothing while the broker was down");
        Assert.All(deliveries, ticket => Assert.Single(ticket.Select(r => r.MessageId).Distinct()));
        Assert.All(deliveries, ticket => Assert.NotNull(ticket.First().MessageId));
        Assert.True(firstEvent <= EventsFlowingWithin, $"the first event came {firstEvent.TotalSeconds:F1} s after the broker's return, not within {EventsFlowingWithin.TotalSeconds} s");
    }

    /// <summary>
    /// A durable queue of the drill's own on the TicketReceived exchange (it outlives the broker's
    /// restart); each call opens a new connection, as a consumer does after the broker is back.
    /// </summary>
    private async Task ListenAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }

        connection = await new ConnectionFactory { Uri = Broker.Uri, AutomaticRecoveryEnabled = false }.CreateConnectionAsync();
        await TicketEventQueue.ListenAsync(connection, "hotline.ticket-received", Queue, (ticket, messageId) => received.Enqueue((ticket, messageId, clock.Elapsed)));
    }
}
