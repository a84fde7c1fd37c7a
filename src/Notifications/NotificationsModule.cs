using System.Net.Http;
using FluentValidation;
using Marketplace.Notifications.Deliveries;
using Marketplace.Notifications.Dispatch;
using Marketplace.Notifications.Email;
using Marketplace.Notifications.Persistence;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Messaging;
using Marketplace.Platform.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Notifications;

/// <summary>
/// The Notifications context: sellers' webhook endpoints, and the signed, retried, per-order ordered delivery of the
/// order events to them (Standard Webhooks), through an outbox of deliveries and a guarded HTTP client; and the mails to
/// customers, invitees and sellers' owners, through a mail outbox and the email port.
/// </summary>
public static class NotificationsModule
{
    public const string Name = "Notifications";

    /// <summary>Registers the Notifications database, the webhook settings (validated at start), the order-event consumer and the dispatcher, and the email.</summary>
    public static WebApplicationBuilder AddNotificationsModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var profile = services.AddModuleDatabase<NotificationsDbContext>(builder.Configuration, Name);
        const string s = WebhookOptions.Section;
        services.AddOptions<WebhookOptions>()
            .Bind(builder.Configuration.GetSection(s))
            .Validate(o => o.MaxEndpointsPerSeller > 0 && o.MaxResponseBodyBytes > 0 && o.DispatchBatchSize > 0 && o.DispatchConcurrency > 0,
                $"{s}:MaxEndpointsPerSeller, MaxResponseBodyBytes, DispatchBatchSize and DispatchConcurrency must be above zero.")
            .Validate(o => o.SecretRotationGrace > TimeSpan.Zero && o.MaxDeliveryAge > TimeSpan.Zero && o.DisableAfterFailingFor > TimeSpan.Zero,
                $"{s}:SecretRotationGrace, MaxDeliveryAge and DisableAfterFailingFor must be above zero.")
            .Validate(o => o.RetryBaseDelay > TimeSpan.Zero && o.RetryMaxDelay >= o.RetryBaseDelay,
                $"{s}:RetryBaseDelay must be above zero and RetryMaxDelay at least RetryBaseDelay.")
            .Validate(o => o.SendTimeout > TimeSpan.Zero && o.DispatchInterval > TimeSpan.Zero && o.ClaimLease > o.SendTimeout,
                $"{s}:SendTimeout and DispatchInterval must be above zero, and ClaimLease longer than SendTimeout.")
            .Validate(o => o.DeliveryLogRetention > TimeSpan.Zero && o.PurgeInterval > TimeSpan.Zero,
                $"{s}:DeliveryLogRetention and PurgeInterval must be above zero.")
            .Validate(o => o.OrderHoldBack >= TimeSpan.Zero && o.OrderHoldBack < o.MaxDeliveryAge && o.OrderEventMarkRetention > o.OrderHoldBack,
                $"{s}:OrderHoldBack must be zero or more and shorter than MaxDeliveryAge, and OrderEventMarkRetention longer than OrderHoldBack.")
            .Validate(o => o.DefaultPageSize > 0 && o.MaxPageSize >= o.DefaultPageSize,
                $"{s}:DefaultPageSize must be above zero and MaxPageSize at least DefaultPageSize.")
            .ValidateOnStart();

        // Loopback is a developer's own receiver on the embedded profile; anywhere else it is this host's own services.
        services.AddSingleton<IWebhookHostResolver, DnsWebhookHostResolver>();
        services.AddSingleton(sp => new AddressGuard(
            sp.GetRequiredService<IWebhookHostResolver>(),
            sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowLoopback ?? profile.Provider == DatabaseProvider.Sqlite));
        services.AddHttpClient(WebhookSender.ClientName, (sp, client) => client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.SendTimeout)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // A redirect would lead the request to an address the guard never saw; a 3xx is a failed attempt instead.
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectTimeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.SendTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectCallback = sp.GetRequiredService<AddressGuard>().ConnectAsync,
            });
        services.AddScoped<WebhookSender>();
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<NotificationsMetrics>();
        services.AddSharedWork<WebhookDispatcher>();
        services.AddSingleton(sp => new ComponentAdapter("webhooks",
            sp.GetRequiredService<AddressGuard>().AllowLoopback ? "https to public addresses, and loopback (embedded profile)" : "https to public addresses"));

        services.AddValidatorsFromAssemblyContaining<NotificationsDbContext>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.Messaging().AddConsumers(bus => bus.AddConsumer<OrderEventFanOut>(typeof(BatchedConsumerDefinition<OrderEventFanOut>)));
        services.AddCustomerEmail(builder.Configuration);
        return builder;
    }

    /// <summary>Maps the sellers' webhook routes.</summary>
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1").MapSellerApi();
        return app;
    }
}
