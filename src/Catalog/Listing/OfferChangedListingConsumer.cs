using System.Runtime.CompilerServices;
using MassTransit;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Listing;

/// <summary>
/// Keeps products' listing summaries (lowest price, in stock, offer count) current when their offers change.
/// One competing consumer per deployment: replicas share the queue, and the inbox makes a redelivery a no-op.
/// A bulk upsert raises up to 100,000 events at once, so they are taken in batches: on PostgreSQL one transaction
/// records the whole batch in the inbox (its key, not a lookup, rejects redeliveries) and refreshes each affected
/// product once; on the embedded profile each message goes through <see cref="Inbox.ApplyOnceAsync"/>.
/// Each refresh publishes <see cref="ProductListingsRefreshed"/> in the same transaction, naming the products that joined
/// the listings, so every replica renders its cached pages again (they learn the rest of an offer change as they are served).
/// </summary>
internal sealed class OfferChangedListingConsumer(CatalogDbContext db, TimeProvider clock) : IConsumer<Batch<OfferChanged>>
{
    public const string Name = "catalog-listing-summary";

    /// <summary>Records the batch in the inbox; returns the messages not seen before (the primary key rejects the others).</summary>
    private const string InboxSql = $$"""
        INSERT INTO {{CatalogDbContext.Schema}}.inbox_messages (message_id, consumer, processed_at)
        SELECT id, {0}, {1} FROM unnest({2}) AS m(id)
        ON CONFLICT DO NOTHING
        RETURNING message_id AS "Value"
        """;

    public async Task Consume(ConsumeContext<Batch<OfferChanged>> context)
    {
        var cancellationToken = context.CancellationToken;
        if (!db.IsPostgres)
        {
            // Refreshing recomputes from the offers as they are now, so one refresh per product covers the whole batch;
            // a product is refreshed by the first of its messages that is applied (not by a redelivered one).
            var refreshed = new HashSet<Guid>();
            foreach (var message in context.Message)
            {
                await db.ApplyOnceAsync(message.MessageId, Name, clock, async ct =>
                {
                    if (refreshed.Add(message.Message.ProductId))
                    {
                        var refresh = await ProductListingSummary.RefreshAsync(db, [message.Message.ProductId], ct);
                        db.Publish(new ProductListingsRefreshed([message.Message.ProductId], clock.GetUtcNow(), refresh.NewlyListed), clock);
                    }
                }, cancellationToken);
            }

            return;
        }

        var messageIds = context.Message
            .Select(m => m.MessageId ?? throw new InvalidOperationException("A consumed message without a MessageId cannot be de-duplicated."))
            .ToArray();
        var now = clock.GetUtcNow();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var applied = await db.Database.SqlQuery<Guid>(FormattableStringFactory.Create(InboxSql, Name, now, messageIds)).ToListAsync(ct);
            var fresh = applied.ToHashSet();
            var products = context.Message.Where(m => fresh.Contains(m.MessageId!.Value)).Select(m => m.Message.ProductId).Distinct().ToList();
            if (products.Count > 0)
            {
                var refresh = await ProductListingSummary.RefreshAsync(db, products, ct);
                db.Publish(new ProductListingsRefreshed(products, now, refresh.NewlyListed), clock);
                await db.SaveChangesAsync(ct);
            }

            await transaction.CommitAsync(ct);
        }, cancellationToken);
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
