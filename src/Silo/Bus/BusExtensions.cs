using System.Text;
using HotlineGrains.Contracts;
using HotlineGrains.Silo.Outbox;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineGrains.Silo.Bus;

/// <summary>
/// MassTransit wiring. Each event type is published to its own fanout exchange named
/// <c>hotline.{event-name}</c> (e.g. <c>hotline.ticket-number-issued</c>); integrators that do not
/// use MassTransit bind a queue to that exchange. The AMQP <c>message_id</c> is the event id.
/// </summary>
public static class BusExtensions
{
    public const string ExchangePrefix = "hotline.";

    internal static IServiceCollection AddHotlineBus(this IServiceCollection services, BusOptions options, Action<IBusRegistrationConfigurator>? configure)
    {
        services.AddMassTransit(bus =>
        {
            configure?.Invoke(bus);
            if (options.Transport == BusOptions.RabbitMq)
            {
                bus.UsingRabbitMq((context, rabbit) =>
                {
                    ConfigureRabbitMq(rabbit, options);
                    rabbit.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, memory) =>
                {
                    memory.MessageTopology.SetEntityNameFormatter(new HotlineEntityNames());
                    memory.ConfigureEndpoints(context);
                });
            }
        });
        if (options.Transport == BusOptions.RabbitMq)
        {
            services.AddSingleton(options);
            services.AddSingleton<IEventPublisher, RelayBus>();
        }
        else
        {
            services.AddSingleton<IEventPublisher, MassTransitEventPublisher>();
        }

        return services;
    }

    /// <summary>The broker and the topology events are published with, on the node's bus and the relay's alike.</summary>
    internal static void ConfigureRabbitMq(IRabbitMqBusFactoryConfigurator rabbit, BusOptions options)
    {
        rabbit.Host(new Uri(options.RabbitMqUri));
        rabbit.MessageTopology.SetEntityNameFormatter(new HotlineEntityNames());
        // The shared base types are not events of their own: no exchanges for them.
        rabbit.Publish<IHotlineEvent>(topology => topology.Exclude = true);
        rabbit.Publish<TicketEvent>(topology => topology.Exclude = true);
        rabbit.Publish<TicketSlaEvent>(topology => topology.Exclude = true);
        rabbit.Publish<FloorEvent>(topology => topology.Exclude = true);
        rabbit.Publish<IHasPhoneNumbers>(topology => topology.Exclude = true);
    }

    /// <summary>The exchange an event type is published to.</summary>
    public static string ExchangeName(Type eventType) => ExchangePrefix + Kebab(eventType.Name);

    private static string Kebab(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    private sealed class HotlineEntityNames : IEntityNameFormatter
    {
        public string FormatEntityName<T>() => ExchangeName(typeof(T));
    }

    private sealed class MassTransitEventPublisher(IBus bus) : IEventPublisher
    {
        public Task PublishAsync(object @event, Type eventType, Guid messageId, CancellationToken cancellationToken) =>
            bus.Publish(@event, eventType, context => context.MessageId = messageId, cancellationToken);
    }
}
