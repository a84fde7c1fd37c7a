using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Carriers;
using Marketplace.Delivery.Persistence;
using Marketplace.Delivery.Rules;
using Marketplace.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Delivery.Quotes;

/// <summary>
/// Quotes every seller group with every carrier, and stores the quote as one row whose document holds what was quoted
/// and what it was quoted for, so that checkout can read one option back by id at the price shown. The built-in carrier
/// always quotes; an HTTP carrier quotes only where the destination's zone lists it (<c>zones[].carriers</c>), and
/// when it is unavailable its options are left out and the others still answer.
/// </summary>
internal sealed partial class DeliveryQuotes(
    IValidator<DeliveryQuoteRequest> validator,
    IEnumerable<IDeliveryCarrier> carriers,
    IOptionsMonitor<DeliveryRules> rules,
    DeliveryDbContext db,
    IOptions<DeliverySettings> settings,
    TimeProvider clock,
    ILogger<DeliveryQuotes> logger) : IDeliveryQuotes
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public async Task<DeliveryQuoteOutcome> QuoteAsync(DeliveryQuoteRequest request, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return new DeliveryQuoteOutcome.Invalid(validation.ToDictionary());
        }

        // PostgreSQL keeps microseconds: the quote answered must equal the quote stored, to the tick.
        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        var currency = Currencies.Normalize(request.Currency);
        var sellers = new List<SellerDeliveryOptions>(request.Sellers.Count);
        var zone = RulesQuoting.ZoneOf(rules.CurrentValue, request.Destination);
        var asked = carriers.Where(c => c.CarrierId == RulesCarrier.Id || (zone?.Carriers ?? []).Contains(c.CarrierId, StringComparer.Ordinal)).ToList();
        foreach (var group in request.Sellers)
        {
            var input = new CarrierQuoteInput(currency, request.Destination, group, now);
            var options = new List<DeliveryOption>();
            var unavailable = new List<UnavailableDeliveryOption>();
            foreach (var carrier in asked.ToList())
            {
                CarrierQuote answer;
                try
                {
                    answer = await carrier.QuoteAsync(input, cancellationToken);
                }
                catch (CarrierUnavailableException e)
                {
                    // A carrier that is down (breaker open, timed out) costs one wait per quote, not one per seller group.
                    LogCarrierUnavailable(e, carrier.CarrierId);
                    asked.Remove(carrier);
                    continue;
                }

                foreach (var option in answer.Options)
                {
                    // A carrier pricing in another currency than the cart's offers nothing the order could add up; and
                    // checkout names an option by its id, so the first carrier to use an id keeps it.
                    if (option.Price.Currency == currency && options.TrueForAll(known => known.OptionId != option.OptionId))
                    {
                        options.Add(option);
                    }
                }

                unavailable.AddRange(answer.Unavailable);
            }

            sellers.Add(new SellerDeliveryOptions(
                group.SellerId,
                [.. options.OrderBy(o => o.Price.Amount).ThenBy(o => o.Eta.Latest).ThenBy(o => o.OptionId, StringComparer.Ordinal)],
                unavailable));
        }

        var quote = new DeliveryQuote(Guid.CreateVersion7(now), now, now + settings.Value.QuoteLifetime, currency, sellers);
        db.Quotes.Add(new StoredQuote
        {
            Id = quote.QuoteId,
            QuotedAt = quote.QuotedAt,
            ExpiresAt = quote.ExpiresAt,
            Document = JsonSerializer.Serialize(new QuoteDocument(request.Destination, quote, request.Sellers), Json),
        });
        await db.SaveChangesAsync(cancellationToken);
        return new DeliveryQuoteOutcome.Quoted(quote);
    }

    public async Task<IReadOnlyList<QuotedOptionLookup>> GetQuotedOptionsAsync(IReadOnlyList<QuotedOptionChoice> choices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var quoteIds = choices.Select(c => c.QuoteId).Distinct().ToList();
        var stored = await db.Quotes.AsNoTracking().Where(q => quoteIds.Contains(q.Id)).ToDictionaryAsync(q => q.Id, cancellationToken);
        var now = clock.GetUtcNow();
        var documents = new Dictionary<Guid, QuoteDocument>();
        return choices.Select(choice => Look(choice, stored.GetValueOrDefault(choice.QuoteId), documents, now)).ToList();
    }

    private static QuotedOptionLookup Look(QuotedOptionChoice choice, StoredQuote? stored, Dictionary<Guid, QuoteDocument> documents, DateTimeOffset now)
    {
        var (quoteId, sellerId, optionId) = choice;
        if (stored is null)
        {
            return new QuotedOptionLookup.NotFound($"There is no delivery quote {quoteId}; it may have expired long ago.");
        }

        if (now >= stored.ExpiresAt)
        {
            return new QuotedOptionLookup.Expired(quoteId, stored.ExpiresAt);
        }

        if (!documents.TryGetValue(quoteId, out var document))
        {
            documents[quoteId] = document = JsonSerializer.Deserialize<QuoteDocument>(stored.Document, Json)!;
        }

        var seller = document.Quote.Sellers.FirstOrDefault(s => s.SellerId == sellerId);
        var items = document.Groups.FirstOrDefault(g => g.SellerId == sellerId)?.Items;
        if (seller is null || items is null)
        {
            return new QuotedOptionLookup.NotFound($"Delivery quote {quoteId} has no seller {sellerId}.");
        }

        var option = seller.Options.FirstOrDefault(o => string.Equals(o.OptionId, optionId, StringComparison.Ordinal));
        return option is null
            ? new QuotedOptionLookup.NotFound($"Delivery quote {quoteId} offered seller {sellerId} no option '{optionId}'.")
            : new QuotedOptionLookup.Found(new QuotedDeliveryOption(quoteId, sellerId, stored.ExpiresAt, document.Destination, items, option));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Carrier {CarrierId} is unavailable; its delivery options are left out of this quote.")]
    private partial void LogCarrierUnavailable(Exception exception, string carrierId);

    /// <summary>The stored form: the quote and what it was computed for.</summary>
    private sealed record QuoteDocument(DeliveryAddress Destination, DeliveryQuote Quote, IReadOnlyList<SellerShipment> Groups);
}
