using FluentValidation;
using Marketplace.Config;
using Marketplace.Ordering.Checkout.Place;
using Marketplace.Ordering.Checkout.Settlement;
using Marketplace.Ordering.Contracts;
using Marketplace.Ordering.Customers;
using Marketplace.Ordering.Deadlines;
using Marketplace.Ordering.Lists;
using Marketplace.Ordering.Performance;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Ordering.Tracking;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Messaging;
using Marketplace.Platform.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Ordering;

/// <summary>
/// The Ordering context: checkout makes one order group per cart and one order per seller; customers, guests and
/// sellers read and move those orders through the one transition table; every move is published through the outbox.
/// </summary>
public static class OrderingModule
{
    public const string Name = "Ordering";

    /// <summary>Registers the Ordering database, its settings (validated at start) and its services.</summary>
    public static WebApplicationBuilder AddOrderingModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddModuleDatabase<OrderingDbContext>(builder.Configuration, Name);
        services.AddOptions<OrderingOptions>()
            .Bind(builder.Configuration.GetSection(OrderingOptions.Section))
            .Validate(o => o.IdempotencyKeyLifetime >= TimeSpan.FromHours(24), $"{OrderingOptions.Section}:IdempotencyKeyLifetime must be at least 24 hours.")
            .Validate(o => o.ReservationLifetime > TimeSpan.Zero && o.OrphanedCheckoutAfter > TimeSpan.Zero && o.RunnerHeartbeat > TimeSpan.Zero && o.CheckoutRetryAfter > TimeSpan.Zero && o.IdempotencyWait > TimeSpan.Zero && o.CarrierRetryAfter > TimeSpan.Zero,
                $"{OrderingOptions.Section}:ReservationLifetime, OrphanedCheckoutAfter, RunnerHeartbeat, IdempotencyWait, CheckoutRetryAfter and CarrierRetryAfter must be above zero.")
            .Validate(o => o.DefaultPageSize > 0 && o.MaxPageSize >= o.DefaultPageSize,
                $"{OrderingOptions.Section}:DefaultPageSize must be above zero and MaxPageSize at least DefaultPageSize.")
            .Validate(o => o.MaxCheckoutsInFlight > 0 && o.MaxCheckoutsQueued >= 0 && o.CheckoutQueueWait >= TimeSpan.Zero && o.MaxBulkRows > 0 && o.MaxBulkBodyBytes > 0 && o.MaxBulkLineBytes > 0 && o.SweepBatchSize > 0 && o.SweepInterval > TimeSpan.Zero,
                $"{OrderingOptions.Section}:MaxCheckoutsInFlight, MaxBulkRows, MaxBulkBodyBytes, MaxBulkLineBytes, SweepBatchSize and SweepInterval must be above zero; MaxCheckoutsQueued and CheckoutQueueWait not below it.")
            .Validate(o => OrderTokens.IsKey(o.OrderTokenKey), $"{OrderingOptions.Section}:OrderTokenKey must be base64 of at least 32 bytes.")
            .ValidateOnStart();

        // Validators hold no per-request state; building one compiles its rules, so build each once.
        services.AddValidatorsFromAssemblyContaining<OrderingDbContext>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddSingleton<OrderTokens>();
        services.AddScoped<GroupSettlement>();
        services.AddSingleton<OrderingMetrics>();
        services.AddScoped<OrderPlacement>();
        services.AddScoped<Refunds.Issue.RefundIssuing>();
        services.AddScoped<IOrderNotices, OrderNotices>();
        services.AddSingleton<CheckoutGate>();
        services.AddSingleton<ThisRunner>();
        if (services.Role().ServesApi())
        {
            services.AddHostedService<CheckoutRunnerHeartbeat>();
        }

        services.AddScoped<StoppedCheckoutFinisher>();
        services.AddSharedWork<AbandonedCheckoutSweeper>();

        // The runtime section "fulfilment" (Consul key or config/runtime/fulfilment.json): the deadlines orders are given
        // when placed, and how their timers are swept.
        builder.AddRuntimeRules(FulfilmentRules.Section, new FulfilmentRulesValidator());
        services.AddSingleton<DeadlineSchedule>();
        services.AddSingleton<ParcelTimelines>();
        services.AddSingleton<DeadlineSweeper>();
        services.AddSharedWork(sp => sp.GetRequiredService<DeadlineSweeper>());
        services.Messaging().AddConsumers(bus =>
        {
            bus.AddConsumer<PaymentOutcomeConsumer>();
            bus.AddConsumer<OrderCancelledConsumer>();
            bus.AddConsumer<UnpaidOrdersConsumer>();
            bus.AddConsumer<Refunds.Restock.RefundedUnitsRestock>();
            bus.AddConsumer<Refunds.Issue.RefusedRefundClosing>();
            bus.AddConsumer<OrderListProjector>(typeof(BatchedConsumerDefinition<OrderListProjector>));
            bus.AddConsumer<ParcelDeliveredConsumer>();
            bus.AddConsumer<SellerPerformancePublisher>(typeof(BatchedConsumerDefinition<SellerPerformancePublisher>));
        });
        return builder;
    }

    /// <summary>Maps the buyer's order routes and the seller's order routes.</summary>
    public static IEndpointRouteBuilder MapOrderingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapCheckoutApi();
        api.MapCustomerApi();
        api.MapSellerApi();
        api.MapAdminApi();
        return app;
    }
}
