using System.Reflection;
using HotlineGrains.Contracts;
using HotlineGrains.Silo.Bus;

namespace HotlineGrains.Contracts.Tests;

/// <summary>What integrators rely on in every published event (SPEC §9).</summary>
public sealed class EventContractTests
{
    public static TheoryData<Type> EventTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var type in typeof(IHotlineEvent).Assembly.GetExportedTypes().Where(t => typeof(IHotlineEvent).IsAssignableFrom(t) && !t.IsInterface && !t.IsAbstract))
        {
            data.Add(type);
        }

        return data;
    }

    [Fact]
    public void The_contracts_assembly_depends_on_nothing_but_the_framework()
    {
        var references = typeof(IHotlineEvent).Assembly.GetReferencedAssemblies().Select(a => a.Name);

        Assert.All(references, name => Assert.True(name is "netstandard" || name!.StartsWith("System.", StringComparison.Ordinal), $"Contracts references {name}"));
    }

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void Every_event_is_a_sealed_record_with_a_current_schema_version(Type eventType)
    {
        Assert.True(eventType.IsSealed, $"{eventType.Name} is sealed");
        Assert.NotNull(eventType.GetMethod("<Clone>$"));
        var version = eventType.GetField("CurrentSchemaVersion", BindingFlags.Public | BindingFlags.Static | BindingFlags.FlattenHierarchy);
        Assert.NotNull(version);
        Assert.True((int)version.GetValue(null)! >= 1);
        Assert.Equal(typeof(int), eventType.GetProperty(nameof(IHotlineEvent.SchemaVersion))!.PropertyType);
    }

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void Every_event_has_its_own_exchange_named_after_it(Type eventType)
    {
        var exchange = BusExtensions.ExchangeName(eventType);

        Assert.StartsWith("hotline.", exchange, StringComparison.Ordinal);
        Assert.Matches("^hotline\\.[a-z]+(-[a-z]+)*$", exchange);
    }

    [Theory]
    [InlineData(typeof(TicketNumberIssued), "hotline.ticket-number-issued")]
    [InlineData(typeof(TicketReceived), "hotline.ticket-received")]
    [InlineData(typeof(TicketSlaBreached), "hotline.ticket-sla-breached")]
    [InlineData(typeof(AgentPresenceChanged), "hotline.agent-presence-changed")]
    [InlineData(typeof(CustomerCallbackDue), "hotline.customer-callback-due")]
    public void Exchange_names_are_the_documented_ones(Type eventType, string exchange) =>
        Assert.Equal(exchange, BusExtensions.ExchangeName(eventType));

    [Fact]
    public void Every_event_of_SPEC_section_9_exists()
    {
        string[] spec =
        [
            "TicketReceived", "TicketForwarded", "TicketVerified", "TicketAssigned", "TicketReassigned", "TicketEscalated",
            "TicketStatusChanged", "TicketSlaWarning", "TicketSlaTargetMissed", "TicketSlaBreached", "TicketResolved",
            "CustomerNotified", "CallbackDue", "CallbackRecorded", "TicketClosed", "TicketReopened", "AgentPresenceChanged",
            "LineSilent", "DailySummaryReady", "CustomerCallbackDue",
        ];
        var defined = typeof(IHotlineEvent).Assembly.GetExportedTypes().Select(t => t.Name).ToHashSet();

        Assert.All(spec, name => Assert.Contains(name, defined));
    }
}
