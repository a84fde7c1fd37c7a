using FluentValidation;
using Marketplace.Config;
using Marketplace.Delivery.Carriers;
using Marketplace.Delivery.Carriers.Cdek;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Persistence;
using Marketplace.Delivery.Quotes;
using Marketplace.Delivery.Rules;
using Marketplace.Delivery.Services.Listing;
using Marketplace.Delivery.Shipments;
using Marketplace.Delivery.Tracking;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Http;
using Marketplace.Platform.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Delivery;

/// <summary>
/// The Delivery context: delivery options and prices from the runtime rules "delivery", quotes that checkout holds
/// customers to (<see cref="IDeliveryQuotes"/>), and the carriers behind them (<see cref="IDeliveryCarrier"/>).
/// </summary>
public static class DeliveryModule
{
    internal const string Module = "Delivery";

    /// <summary>
    /// Registers the runtime rules section "delivery", the module database (schema <c>delivery</c>: quotes, shipments),
    /// <see cref="IDeliveryQuotes"/>, the built-in carrier as an <see cref="IDeliveryCarrier"/> (scoped; resolve every
    /// carrier with <c>IEnumerable&lt;IDeliveryCarrier&gt;</c> and pick the one a quoted option names), and the purge
    /// of expired quotes. Settings come from the <c>Delivery</c> section. When <c>Delivery:Carriers:Cdek</c> names an API
    /// and credentials, the CDEK carrier is registered too; the zones of the rules say where it quotes.
    /// </summary>
    public static WebApplicationBuilder AddDeliveryModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DeliverySettings>()
            .Bind(builder.Configuration.GetSection(Module))
            .Validate(o => o.QuoteLifetime > TimeSpan.Zero && o.ExpiredQuoteRetention >= TimeSpan.Zero && o.QuotePurgeInterval > TimeSpan.Zero,
                "Delivery:QuoteLifetime and Delivery:QuotePurgeInterval must be above zero, Delivery:ExpiredQuoteRetention not below.")
            .Validate(o => o.MaxSellerGroups > 0 && o.MaxItemsPerGroup > 0 && o.MaxUnitsPerGroup > 0 && o.MaxUnitWeightGrams > 0 && o.MaxUnitDimensionMm > 0
                           && o.MaxDispatchDays >= 0 && o.MaxAddressLines > 0 && o.MaxAddressLineLength > 0 && o.MaxPostalCodeLength > 0 && o.MaxOrderReferenceLength > 0,
                "Delivery limits must be above zero.")
            .Validate(o => o.MaxParcelsPerShipment > 0 && o.TrackingPollInterval > TimeSpan.Zero && o.TrackingQuietAfter > TimeSpan.Zero
                           && o.TrackingPollBatchSize > 0 && o.MaxWebhookBytes > 0,
                "Delivery:MaxParcelsPerShipment, TrackingPollInterval, TrackingQuietAfter, TrackingPollBatchSize and MaxWebhookBytes must be above zero.")
            .ValidateOnStart();

        // Validators hold no per-request state; building one compiles its rules, so build each once.
        services.AddValidatorsFromAssemblyContaining<DeliveryRulesValidator>(ServiceLifetime.Singleton, includeInternalTypes: true);

        // The runtime section "delivery" (Consul key or config/runtime/delivery.json), validated before it takes effect;
        // every quote takes the rules in force from IOptionsMonitor<DeliveryRules>.
        builder.AddRuntimeRules("delivery", new DeliveryRulesValidator());
        services.AddModuleDatabase<DeliveryDbContext>(builder.Configuration, Module);
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<IDeliveryCarrier, RulesCarrier>();
        services.AddSingleton(new ComponentAdapter("delivery", "built-in carrier priced by the rules \"delivery\""));
        services.AddCdekCarrier(builder.Configuration);
        services.AddScoped<IDeliveryQuotes, DeliveryQuotes>();
        services.AddSingleton<IDispatchCalendar, DispatchCalendar>();
        services.AddSharedWork<ExpiredQuotePurge>();
        services.AddScoped<IOrderShipments, OrderShipments>();
        services.AddScoped<ParcelProgress>();
        services.AddSharedWork<TrackingPoll>();
        return builder;
    }

    /// <summary>
    /// Maps <c>GET /api/v1/delivery/services</c> (anonymous): the services and zones of the rules in force; and
    /// <c>POST /api/v1/delivery/webhooks/cdek/{secret}</c>, CDEK's tracking webhook.
    /// </summary>
    public static IEndpointRouteBuilder MapDeliveryApi(this IEndpointRouteBuilder app)
    {
        var delivery = app.MapGroup("/api/v1/delivery")
            .WithTags("Delivery");
        delivery.MapGet("/services", ListDeliveryServices.Handle)
            .WithName("ListDeliveryServices")
            .WithSummary("The delivery services, the zones each serves, their lowest price and transit days, by the rules in force")
            .WithDescription("Prices of a real cart depend on its parcels and the address: checkout quotes them. Working days exclude weekends and the rules' holidays.")
            .AllowAnonymous();
        delivery.MapPost("/webhooks/cdek/{secret}", ReceiveCdekWebhook.Handle)
            .WithName("ReceiveCdekWebhook")
            .WithTags("Delivery webhooks")
            .WithSummary("CDEK only: CDEK's ORDER_STATUS webhooks, at the address ending in the secret it was subscribed with")
            .WithDescription(
                "CDEK signs nothing, so the last path segment is the secret (Delivery:Carriers:Cdek:WebhookSecret), compared in constant time; "
                + "a wrong one is 404 and changes nothing. Each status is mapped to the normalised set and recorded once per parcel, time and status; "
                + "a parcel's status only moves forward (a failed attempt and a return are the documented exceptions), so repeats and late events change nothing wrong. "
                + "Other webhook types, unknown statuses and numbers of no parcel of ours are acknowledged with 200.")
            .AllowAnonymous()
            .NeverStored()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }
}
