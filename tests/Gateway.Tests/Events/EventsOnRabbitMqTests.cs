using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using HotlineGrains.Contracts;
using HotlineGrains.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Xunit.Abstractions;
using static HotlineGrains.Gateway.Tests.HotlineApi;

namespace HotlineGrains.Gateway.Tests.Events;

/// <summary>
/// The events as an integrator without MassTransit sees them (docs/events.md): the gateway runs on
/// PostgreSQL and RabbitMQ, in a RabbitMQ virtual host of the test's own (so no exchange or binding
/// an earlier run left behind is there), and the test binds a queue of its own to every exchange the
/// docs list, as the docs tell integrators to. A ticket goes through its whole life over the HTTP
/// API, an agent changes presence and the switch reports a call.
/// </summary>
/// <remarks>
/// A queue per exchange, not one for all: RabbitMQ puts a message into a queue once however many
/// of the queue's bindings it reaches it through, so only queues of their own show a message that
/// one exchange passes on to another.
/// </remarks>
public sealed partial class EventsOnRabbitMqTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Project = "weibang-plaza";

    /// <summary>The number, 14 events of the ticket, the presence change and the call.</summary>
    private const int EventsPerRound = 17;

    /// <summary>The docs' table: exchange → event name.</summary>
    private static readonly IReadOnlyDictionary<string, string> Documented = DocumentedExchanges();

    private readonly ConcurrentQueue<Delivery> received = new();
    private readonly ManualClock clock = new(ClockedGateway.Start);

    /// <summary>The test's queues: exchange → the queue bound to it.</summary>
    private readonly Dictionary<string, string> queues = [];
    private RabbitMqVirtualHost? broker;
    private IConnection? connection;
    private IChannel? channel;
    private GatewayFactory? gateway;
    private HotlineApi api = null!;

    public async Task InitializeAsync()
    {
        broker = await RabbitMqVirtualHost.CreateAsync();
        connection = await new ConnectionFactory { Uri = broker.Uri }.CreateConnectionAsync();
        channel = await connection.CreateChannelAsync();
        foreach (var exchange in Documented.Keys)
        {
            // As the service declares them, so whichever of the two comes first, both agree.
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await ListenAsync(exchange);
        }

        gateway = new GatewayFactory { Provider = "Postgres", Clock = clock };
        gateway.Settings["Bus:Transport"] = "RabbitMq";
        gateway.Settings["Bus:RabbitMqUri"] = broker.Uri.ToString();
        await ((IAsyncLifetime)gateway).InitializeAsync();
        api = new HotlineApi(gateway.CreateClient(), user => gateway.TokenFor(user));
    }

    /// <summary>Binds a queue of the test's own to <paramref name="exchange"/> and collects what arrives in it.</summary>
    private async Task ListenAsync(string exchange)
    {
        var queue = (await channel!.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, exchange, routingKey: "");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            received.Enqueue(new Delivery(exchange, delivery.Exchange, delivery.BasicProperties.MessageId, Encoding.UTF8.GetString(delivery.Body.Span)));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        queues[exchange] = queue;
    }

    public async Task DisposeAsync()
    {
        api?.Client.Dispose();
        if (gateway is not null)
        {
            await ((IAsyncLifetime)gateway).DisposeAsync();
        }

        if (channel is not null)
        {
            await channel.DisposeAsync();
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
        }

        if (broker is not null)
        {
            await broker.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_event_of_a_tickets_life_an_agents_presence_and_a_call_arrives_once_under_its_event_id_with_the_documented_fields()
    {
        // A broker in service has seen every event before an integrator binds a queue to every
        // hotline.* exchange on it; one the docs do not list would bring a second copy of what it is fed (issue 9).
        var warmUp = await LiveAsync(round: 1);
        foreach (var (exchange, _) in (await broker!.ExchangesAsync()).Where(e => IsHotline(e.Name) && !Documented.ContainsKey(e.Name)))
        {
            await ListenAsync(exchange);
        }

        var (ticketId, number) = await LiveAsync(round: 2);

        var events = Events();
        // Exactly once per publish: a second copy (through a second exchange, say) is the bug.
        var published = gateway!.Published.WithIds.GroupBy(p => p.MessageId.ToString()).ToDictionary(g => g.Key, g => g.Count());
        var arrived = events.GroupBy(e => e.MessageId ?? "(none)").ToDictionary(g => g.Key, g => g.ToList());
        Assert.All(arrived, a => Assert.True(published.TryGetValue(a.Key, out var times) && a.Value.Count == times,
            $"{a.Value[0].Name} {a.Key} arrived {a.Value.Count} times, in the queues of {string.Join(", ", a.Value.Select(e => e.BoundTo))}, " +
            $"for {(published.TryGetValue(a.Key, out var t) ? t : 0)} publishes"));
        Assert.Equal(published.Keys.Order(), arrived.Keys.Order());
        Assert.Equal(2 * EventsPerRound, events.Count);

        Assert.All(events, e =>
        {
            Assert.True(Documented.ContainsKey(e.Exchange), $"published to {e.Exchange}, which docs/events.md does not list");
            var envelope = e.Envelope;
            var message = e.Message;
            Assert.Equal($"urn:message:HotlineGrains.Contracts:{e.Name}", envelope.GetProperty("messageType")[0].GetString());
            var eventId = message.GetProperty("eventId").GetGuid();
            Assert.NotEqual(Guid.Empty, eventId);
            Assert.Equal(eventId.ToString(), e.MessageId);
            Assert.Equal(eventId, envelope.GetProperty("messageId").GetGuid());
            Assert.True(message.GetProperty("schemaVersion").GetInt32() >= 1, $"{e.Name}: schemaVersion");
            Assert.Equal(Project, message.GetProperty("projectId").GetString());
            Assert.True(message.GetProperty("occurredAt").TryGetDateTimeOffset(out _), $"{e.Name}: occurredAt");
            Assert.False(string.IsNullOrEmpty(message.GetProperty("actor").GetString()), $"{e.Name}: actor");
            if (IsAboutATicket(e.Name))
            {
                Assert.Contains((message.GetProperty("ticketId").GetString()!, message.GetProperty("ticketNumber").GetString()!), new[] { warmUp, (ticketId, number) });
            }
        });

        // The ticket's own events, in the order its turns stored them: the move from Pending to Received is one of them.
        var ticket = events.Where(e => e.Name != nameof(TicketNumberIssued) && IsAboutATicket(e.Name) && e.Message.GetProperty("ticketId").GetString() == ticketId).ToList();
        Assert.Equal(
        [
            nameof(TicketStatusChanged), nameof(TicketReceived), nameof(TicketAssigned),
            nameof(TicketStatusChanged), nameof(TicketForwarded),
            nameof(TicketStatusChanged), nameof(TicketVerified),
            nameof(TicketStatusChanged), nameof(TicketResolved),
            nameof(TicketStatusChanged), nameof(CustomerNotified),
            nameof(CallbackRecorded), nameof(TicketStatusChanged), nameof(TicketClosed),
        ], ticket.Select(e => e.Name));
        Assert.Equal(
            [("Pending", "Received"), ("Received", "Forwarded"), ("Forwarded", "InProgress"), ("InProgress", "Resolved"), ("Resolved", "CustomerNotified"), ("CustomerNotified", "Closed")],
            ticket.Where(e => e.Name == nameof(TicketStatusChanged))
                .Select(e => (e.Message.GetProperty("fromStatus").GetString(), e.Message.GetProperty("status").GetString())));
        Assert.Equal("138****5678", ticket.Single(e => e.Name == nameof(TicketReceived)).Message.GetProperty("contactPhone").GetString());

        var issued = Assert.Single(events, e => e.Name == nameof(TicketNumberIssued) && e.Message.GetProperty("ticketId").GetString() == ticketId).Message;
        Assert.Equal(number, issued.GetProperty("ticketNumber").GetString());
        Assert.Single(events, e => e.Name == nameof(AgentPresenceChanged) && e.Message.GetProperty("agentId").GetString() == "a-events-2");
        Assert.Single(events, e => e.Name == nameof(CallEventRecorded) && e.Message.GetProperty("callId").GetString() == "call-events-2");

        // What the docs show a message to look like is what one looks like.
        var example = DocumentedExample();
        Assert.Equal($"urn:message:HotlineGrains.Contracts:{nameof(TicketNumberIssued)}", example.GetProperty("messageType")[0].GetString());
        Assert.Equal(FieldNames(issued), FieldNames(example.GetProperty("message")));
    }

    [Fact]
    public async Task The_broker_holds_no_hotline_exchange_the_docs_do_not_list_and_none_of_them_feeds_another()
    {
        await LiveAsync(round: 1);

        var exchanges = await broker!.ExchangesAsync();
        var bindings = await broker.BindingsAsync();
        output.WriteLine("exchanges: " + string.Join(", ", exchanges.Select(e => $"{e.Name} ({e.Type})").Order(StringComparer.Ordinal)));
        output.WriteLine("bindings: " + string.Join(", ", bindings.Select(b => $"{b.Source} → {b.Destination} ({b.DestinationKind})").Order(StringComparer.Ordinal)));

        var ours = exchanges.Where(e => IsHotline(e.Name)).ToList();
        Assert.Empty(ours.Where(e => !Documented.ContainsKey(e.Name)).Select(e => e.Name));
        Assert.All(ours, e => Assert.Equal("fanout", e.Type));
        // The service declared the exchange of an event it published (the test declared them all, as an integrator does).
        Assert.Contains("hotline.ticket-received", ours.Select(e => e.Name));
        Assert.Empty(bindings.Where(b => IsHotline(b.Source) && IsHotline(b.Destination)).Select(b => $"{b.Source} → {b.Destination}"));
        // What else they feed is the test's queues and each gateway's own wallboard endpoint (a temporary
        // exchange and queue named hotline-floor-…, gone with the gateway), never another exchange of events.
        Assert.All(bindings.Where(b => IsHotline(b.Source)), b => Assert.True(
            queues.ContainsValue(b.Destination) || (b.DestinationKind == "exchange" && b.Destination.StartsWith("hotline-floor-", StringComparison.Ordinal)),
            $"{b.Source} → {b.Destination} ({b.DestinationKind})"));
    }

    /// <summary>
    /// Lives through a ticket, a presence change and a call (agent <c>a-events-{round}</c>, call
    /// <c>call-events-{round}</c>); returns when every event they published has reached the test's
    /// queues, with any second copy of it.
    /// </summary>
    private async Task<(string TicketId, string Number)> LiveAsync(int round)
    {
        var before = gateway!.Published.All.Count;
        var agent = $"a-events-{round}";
        await api.Put($"/api/agents/{agent}", new { workNumber = $"700{round}", name = "张敏", projects = new[] { Project }, departments = Array.Empty<string>() });

        var ticket = await api.Intake(Project, Complaint());
        var (id, number) = (Id(ticket), ticket.GetProperty("number").GetString()!);
        ticket = await api.Step(ticket, "forward", new { department = "工程部" });
        ticket = await api.Step(ticket, "verify", new { founded = true, findings = "B区三盏灯镇流器损坏。", solvableAtOnce = true }, user: "dept-engineering");
        ticket = await api.Step(ticket, "resolve", new { plan = "更换镇流器和灯管", result = "三盏灯已修复", handler = "赵师傅", departmentManager = "工程部孙经理" }, user: "dept-engineering");
        ticket = await api.Step(ticket, "notify-customer", new { message = "王先生您好,车库照明已修复,感谢您的反映。" });
        ticket = await api.Step(ticket, "record-callback", new { outcome = "Satisfied", note = "业主满意" });
        Assert.Equal("Closed", Status(ticket));

        await api.Put($"/api/agents/{agent}/presence", new { presence = "Available" });
        using (var call = await api.Send(HttpMethod.Post, $"/api/projects/{Project}/calls", new { callId = $"call-events-{round}", @event = "Ringing", at = clock.GetUtcNow() }, user: "switch"))
        {
            Assert.Equal(HttpStatusCode.Accepted, call.StatusCode);
        }

        // Each event is recorded once the broker confirmed it, and the broker confirms only after
        // routing it into every queue (so any second copy of it is queued by then too).
        await Eventually.Until(() => gateway.Published.All.Count >= before + EventsPerRound, $"{EventsPerRound} more events published");
        // A queue is first in, first out: behind a marker sent to each now, everything already queued arrives first.
        var marker = $"marker-{round}";
        foreach (var queue in queues.Values)
        {
            await channel!.BasicPublishAsync("", queue, mandatory: true, new BasicProperties { MessageId = marker }, Encoding.UTF8.GetBytes("{}"));
        }

        await Eventually.Until(() => received.Count(d => d.MessageId == marker) == queues.Count, "the markers behind the events");
        return (id, number);
    }

    private static bool IsHotline(string exchange) => exchange.StartsWith("hotline.", StringComparison.Ordinal);

    private List<Delivery> Events() => [.. received.Where(d => d.Exchange.Length > 0)];

    /// <summary>Ticket events carry ticketId and ticketNumber; so does TicketNumberIssued.</summary>
    private static bool IsAboutATicket(string eventName)
    {
        var type = typeof(IHotlineEvent).Assembly.GetType($"HotlineGrains.Contracts.{eventName}", throwOnError: true)!;
        return typeof(TicketEvent).IsAssignableFrom(type) || type == typeof(TicketNumberIssued);
    }

    private static List<string> FieldNames(JsonElement message) => [.. message.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    private static IReadOnlyDictionary<string, string> DocumentedExchanges()
    {
        var rows = TableRow().Matches(EventsDoc()).ToDictionary(m => m.Groups["exchange"].Value, m => m.Groups["event"].Value);
        Assert.True(rows.Count >= 20, $"docs/events.md lists {rows.Count} exchanges");
        return rows;
    }

    private static JsonElement DocumentedExample()
    {
        var block = ExampleBlock().Match(EventsDoc());
        Assert.True(block.Success, "docs/events.md shows no example message");
        return JsonDocument.Parse(block.Groups["json"].Value).RootElement.Clone();
    }

    private static string EventsDoc() => File.ReadAllText(Path.Combine(Repository.Root, "docs", "events.md"));

    [GeneratedRegex(@"^\| `(?<event>\w+)` \| `(?<exchange>hotline\.[a-z-]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"```json\n(?<json>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();

    /// <param name="BoundTo">The exchange the test's queue that it arrived in is bound to.</param>
    /// <param name="Exchange">The exchange it was published to (empty for the test's markers).</param>
    private sealed record Delivery(string BoundTo, string Exchange, string? MessageId, string Body)
    {
        public JsonElement Envelope { get; } = JsonDocument.Parse(Body).RootElement.Clone();

        public JsonElement Message => Envelope.GetProperty("message");

        public string Name => Documented.TryGetValue(Exchange, out var name) ? name : Exchange;
    }
}
