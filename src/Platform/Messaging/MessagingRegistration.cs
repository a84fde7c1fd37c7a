using MassTransit;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Platform.Messaging;

/// <summary>Collects what modules contribute to the one bus of the host: consumers and outbox relays.</summary>
public sealed class MessagingBuilder(IServiceCollection services)
{
    internal List<Action<IBusRegistrationConfigurator>> Consumers { get; } = [];

    /// <summary>Adds consumers (and their endpoint settings) to the bus.</summary>
    public MessagingBuilder AddConsumers(Action<IBusRegistrationConfigurator> register)
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
                bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
                return;
            }

            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(new Uri(rabbit));
                if (!string.IsNullOrWhiteSpace(prefix))
                {
                    // Keeps exchanges of parallel environments (or test runs) on one broker apart.
                    cfg.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter, $"{prefix}."));
                }

                cfg.UseMessageRetry(retry => retry.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
                cfg.ConfigureEndpoints(context);
            });
        });
        // Consumers' queues must be bound before the host takes traffic, or early events would find no queue.
        services.Configure<MassTransitHostOptions>(host =>
        {
            host.WaitUntilStarted = configuration.GetValue("Messaging:WaitUntilStarted", true);
            host.StartTimeout = configuration.GetValue("Messaging:StartTimeout", TimeSpan.FromSeconds(60));
            host.StopTimeout = TimeSpan.FromSeconds(15);
        });
        services.AddSingleton(new ComponentAdapter("messaging", string.IsNullOrWhiteSpace(rabbit) ? "masstransit in-memory" : "masstransit rabbitmq"));
        return services;
    }
}
