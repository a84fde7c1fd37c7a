using MassTransit;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Messaging;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Listing;

/// <summary>
/// Keeps products' listing summaries (lowest price, in stock, offer count) current when their offers change.
/// One competing consumer per deployment: replicas share the queue, and the inbox makes a redelivery a no-op.
/// Single offer changes arrive one message each, so they are taken in batches: the shared batch inbox
/// (<see cref="Inbox.ApplyFreshOnceAsync"/>) records a whole batch in one statement and each affected product is refreshed
/// once. Each refresh publishes <see cref="ProductListingsRefreshed"/> in the same transaction, naming the products that
/// joined the listings, so every replica renders its cached pages again (they learn the rest of an offer change as they
/// are served).
/// </summary>
internal sealed class OfferChangedListingConsumer(CatalogDbContext db, TimeProvider clock) : IConsumer<Batch<OfferChanged>>
{
    public const string Name = "catalog-listing-summary";

    public Task Consume(ConsumeContext<Batch<OfferChanged>> context) =>
        db.ApplyFreshOnceAsync(context.Message, Name, clock,
            (fresh, ct) => ListingSummaryRefresh.RefreshAsync(db, clock, fresh.Select(m => m.Message.ProductId), ct), context.CancellationToken);
}

/// <summary>
/// The same for <see cref="OffersChanged"/>: a bulk batch or a reservation is one message already, so each is applied on
/// its own through the inbox, refreshing its products in one statement.
/// </summary>
internal sealed class OffersChangedListingConsumer(CatalogDbContext db, TimeProvider clock) : IConsumer<OffersChanged>
{
    public const string Name = "catalog-listing-summary-batches";

    public Task Consume(ConsumeContext<OffersChanged> context) =>
        db.ApplyOnceAsync(context.MessageId, Name, clock,
            ct => ListingSummaryRefresh.RefreshAsync(db, clock, context.Message.Offers.Select(o => o.ProductId), ct), context.CancellationToken);
}

/// <summary>Refreshes products' listing summaries and says so in the same transaction.</summary>
internal static class ListingSummaryRefresh
{
    public static async Task RefreshAsync(CatalogDbContext db, TimeProvider clock, IEnumerable<Guid> productIds, CancellationToken cancellationToken)
    {
        var products = productIds.Distinct().ToList();
        if (products.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var refresh = await ProductListingSummary.RefreshAsync(db, products, now, cancellationToken);
        db.Publish(new ProductListingsRefreshed(products, now, refresh.NewlyListed), clock);
    }
}

/// <summary>Batch size and wait of the listing-summary consumer, from <see cref="CatalogOptions"/>.</summary>
internal sealed class OfferChangedListingConsumerDefinition : ConsumerDefinition<OfferChangedListingConsumer>
{
    private readonly CatalogOptions _options;

    public OfferChangedListingConsumerDefinition(IOptions<CatalogOptions> options)
    {
        _options = options.Value;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<OfferChangedListingConsumer> consumerConfigurator, IRegistrationContext context)
    {
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_options.ListingSummaryBatchSize)
            .SetTimeLimit(_options.ListingSummaryBatchWait)
            .SetConcurrencyLimit(1));
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = Math.Max(rabbit.PrefetchCount, _options.ListingSummaryBatchSize);
        }
    }
}
