using MassTransit;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Marketplace.Platform.Messaging;

/// <summary>Collects what modules contribute to the one bus of the host: consumers and outbox relays.</summary>
public sealed class MessagingBuilder(IServiceCollection services)
{
    internal List<Action<IBusRegistrationConfigurator>> Consumers { get; } = [];

    /// <summary>
    /// Adds consumers (and their endpoint settings) that share their queues: each message is handled by one process.
    /// They run where shared work runs (<see cref="HostRole.Worker"/> and <see cref="HostRole.All"/>), not on API replicas.
    /// </summary>
    public MessagingBuilder AddConsumers(Action<IBusRegistrationConfigurator> register)
    {
        if (services.Role().RunsSharedWork())
        {
            Consumers.Add(register);
        }

        return this;
    }

    /// <summary>
    /// Adds consumers of this replica's own state (its caches): each runs in every process, on a temporary queue of
    /// its own (named after <see cref="HostInstance.Id"/>), so that every replica gets every message.
    /// </summary>
    public MessagingBuilder AddReplicaConsumers(Action<IBusRegistrationConfigurator> register)
    {
        Consumers.Add(register);
        return this;
    }

    internal MessagingBuilder AddRelay<TContext>()
        where TContext : ModuleDbContext
    {
        services.TryAddSingleton<OutboxSignal<TContext>>();
        services.AddHostedService<OutboxRelay<TContext>>();
        return this;
    }
}

public static class MessagingRegistration
{
    public static MessagingBuilder Messaging(this IServiceCollection services)
    {
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(MessagingBuilder))?.ImplementationInstance;
        if (existing is MessagingBuilder builder)
        {
            return builder;
        }

        builder = new MessagingBuilder(services);
        services.AddSingleton(builder);
        return builder;
    }

    /// <summary>
    /// The host's bus: RabbitMQ when <c>ConnectionStrings:RabbitMq</c> is set, else the in-memory transport.
    /// Call after every module has registered its consumers.
    /// </summary>
    public static IServiceCollection AddMarketplaceBus(this IServiceCollection services, IConfiguration configuration)
    {
        var builder = services.Messaging();
        services.AddOptions<OutboxOptions>()
            .Bind(configuration.GetSection(OutboxOptions.Section))
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Messaging:Outbox:PollInterval must be above zero.")
            .Validate(o => o.BatchSize > 0, "Messaging:Outbox:BatchSize must be above 0.")
            .Validate(o => o.PublishTimeout > TimeSpan.Zero, "Messaging:Outbox:PublishTimeout must be above zero.")
            .Validate(o => o.MinBackoff > TimeSpan.Zero && o.MaxBackoff >= o.MinBackoff, "Messaging:Outbox:MinBackoff must be above zero and MaxBackoff at least MinBackoff.")
            .Validate(o => o.PurgeInterval > TimeSpan.Zero, "Messaging:Outbox:PurgeInterval must be above zero.")
            .Validate(o => o.Retention > TimeSpan.Zero, "Messaging:Outbox:Retention must be above zero.")
            .ValidateOnStart();
        services.AddOptions<BusOptions>()
            .Bind(configuration.GetSection(BusOptions.Section))
            .Validate(o => o.StartTimeout > TimeSpan.Zero, "Messaging:StartTimeout must be above zero.")
            .Validate(o => o.StopTimeout > TimeSpan.Zero, "Messaging:StopTimeout must be above zero.")
            .Validate(o => o.Retry.Limit >= 0, "Messaging:Retry:Limit must be 0 or more.")
            .Validate(
                o => o.Retry.MinInterval > TimeSpan.Zero && o.Retry.MaxInterval >= o.Retry.MinInterval && o.Retry.IntervalDelta > TimeSpan.Zero,
                "Messaging:Retry:MinInterval and IntervalDelta must be above zero and MaxInterval at least MinInterval.")
            .Validate(
                o => o.Batch.MessageLimit is > 0 and <= 1000 && o.Batch.TimeLimit > TimeSpan.Zero && o.Batch.ConcurrencyLimit > 0,
                "Messaging:Batch:MessageLimit must be 1 to 1000, TimeLimit above zero and ConcurrencyLimit above 0.")
            .ValidateOnStart();
        var rabbit = configuration.GetConnectionString("RabbitMq");
        var prefix = configuration["Messaging:EntityPrefix"];
        services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(prefix, includeNamespace: false));
            foreach (var register in builder.Consumers)
            {
                register(bus);
            }

            if (string.IsNullOrWhiteSpace(rabbit))
            {
                // The in-memory transport names exchanges by message URN already, declared ones included.
                bus.UsingInMemory((context, cfg) =>
                {
                    ObserveConsumers(context, cfg);
                    cfg.ConfigureEndpoints(context);
                });
                return;
            }

            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(new Uri(rabbit));
                cfg.MessageTopology.SetEntityNameFormatter(new DeclaredUrnEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter));
                if (!string.IsNullOrWhiteSpace(prefix))
                {
                    // Keeps exchanges of parallel environments (or test runs) on one broker apart.
                    cfg.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter, $"{prefix}."));
                }

                ObserveConsumers(context, cfg);
                var retry = context.GetRequiredService<IOptions<BusOptions>>().Value.Retry;
                cfg.UseMessageRetry(r =>
                {
                    r.Exponential(retry.Limit, retry.MinInterval, retry.MaxInterval, retry.IntervalDelta);
                    r.ConnectRetryObserver(context.GetRequiredService<ConsumeMeter>());
                });
                cfg.ConfigureEndpoints(context);
            });
        });
        services.AddOptions<MassTransitHostOptions>().Configure<IOptions<BusOptions>>((host, bus) =>
        {
            host.WaitUntilStarted = bus.Value.WaitUntilStarted;
            host.StartTimeout = bus.Value.StartTimeout;
            host.StopTimeout = bus.Value.StopTimeout;
        });
        services.TryAddSingleton<ConsumeMeter>();
        services.AddSingleton(new ComponentAdapter("messaging", string.IsNullOrWhiteSpace(rabbit) ? "masstransit in-memory" : "masstransit rabbitmq"));
        return services;
    }

    private static void ObserveConsumers(IBusRegistrationContext context, IBusFactoryConfigurator bus)
    {
        var meter = context.GetRequiredService<ConsumeMeter>();
        bus.ConnectConsumeObserver(meter);
        bus.ConnectReceiveObserver(meter);
    }
}
