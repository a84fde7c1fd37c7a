using Marketplace.Platform;

namespace Marketplace.Delivery.Contracts;

/// <summary>
/// Delivery quotes for checkout: the options each seller group of a cart can ship with, priced by the runtime rules
/// "delivery", stored under a quote id until they expire (<c>Delivery:QuoteLifetime</c>, 30 minutes by default), so
/// that the order can hold the customer to the price it was shown.
/// </summary>
public interface IDeliveryQuotes
{
    /// <summary>
    /// Quotes every seller group to the destination, with the rules in force and the clock's now, and stores the quote.
    /// Never throws for bad input: a request that fails validation is <see cref="DeliveryQuoteOutcome.Invalid"/> with
    /// the failures by field (for a 400); a group no service can carry is quoted with no options and the reasons.
    /// </summary>
    Task<DeliveryQuoteOutcome> QuoteAsync(DeliveryQuoteRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// For each choice, the option it names that its quote offered its seller, at the quoted price, while the quote lives.
    /// An expired quote is <see cref="QuotedOptionLookup.Expired"/>, an unknown quote, seller or option
    /// <see cref="QuotedOptionLookup.NotFound"/>; checkout answers both with 409 and asks for a new quote. The answer
    /// carries the destination and items quoted: checkout must check they are still the order's, or quote again. Each
    /// quote named is read once, however many sellers' choices name it.
    /// </summary>
    /// <returns>One lookup per choice, in the order of <paramref name="choices"/>.</returns>
    Task<IReadOnlyList<QuotedOptionLookup>> GetQuotedOptionsAsync(IReadOnlyList<QuotedOptionChoice> choices, CancellationToken cancellationToken);
}

/// <summary>What to quote: where the parcels go and what each seller sends.</summary>
/// <param name="Currency">The cart's ISO 4217 currency. Options are priced in the rules' currency; when the cart's differs, no option is offered.</param>
/// <param name="Destination">The shipping address.</param>
/// <param name="Sellers">One group per seller of the cart; each ships separately.</param>
public sealed record DeliveryQuoteRequest(string Currency, DeliveryAddress Destination, IReadOnlyList<SellerShipment> Sellers);

/// <summary>A shipping address.</summary>
/// <param name="Country">ISO 3166-1 alpha-2 country code, for example <c>DE</c>.</param>
/// <param name="PostalCode">The postal code as written; zones compare it upper case without spaces and dashes.</param>
/// <param name="City">The city.</param>
/// <param name="Lines">Street, house and any further address lines, in order.</param>
public sealed record DeliveryAddress(string Country, string PostalCode, string City, IReadOnlyList<string> Lines);

/// <summary>What one seller ships: the units of its cart lines.</summary>
/// <param name="SellerId">The seller.</param>
/// <param name="Items">The lines, each a SKU with its quantity, shipping weight and dimensions.</param>
/// <param name="FreeDelivery">
/// Set when pricing says this group ships free (its <c>FreeDeliveryStatus</c> is met, for the seller or the whole
/// order); null otherwise. Services that take free delivery then cost nothing, and say why.
/// </param>
public sealed record SellerShipment(Guid SellerId, IReadOnlyList<DeliveryItem> Items, FreeDeliveryGrant? FreeDelivery = null);

/// <summary>One cart line as delivery sees it.</summary>
/// <param name="SkuId">The SKU.</param>
/// <param name="Quantity">Units, at least 1.</param>
/// <param name="WeightGrams">Shipping weight of one unit, in grams.</param>
/// <param name="LengthMm">Length of one unit, in mm.</param>
/// <param name="WidthMm">Width of one unit, in mm.</param>
/// <param name="HeightMm">Height of one unit, in mm.</param>
/// <param name="DispatchDays">The offer's dispatch promise: working days from order to dispatch. The group leaves when its slowest line is ready.</param>
public sealed record DeliveryItem(Guid SkuId, int Quantity, int WeightGrams, int LengthMm, int WidthMm, int HeightMm, int DispatchDays);

/// <summary>The free-delivery rule of pricing that a seller group meets.</summary>
/// <param name="RuleId">The pricing rule's id.</param>
/// <param name="RuleName">Its name, which the customer sees.</param>
public sealed record FreeDeliveryGrant(string RuleId, string RuleName);

/// <summary>The answer of <see cref="IDeliveryQuotes.QuoteAsync"/>: a stored quote, or the request's failures.</summary>
public abstract record DeliveryQuoteOutcome
{
    private DeliveryQuoteOutcome()
    {
    }

    /// <summary>The quote, stored until <see cref="DeliveryQuote.ExpiresAt"/>.</summary>
    public sealed record Quoted(DeliveryQuote Quote) : DeliveryQuoteOutcome;

    /// <summary>The request was not valid; nothing was stored.</summary>
    /// <param name="Errors">Messages by field path of the request (for example <c>Sellers[0].Items[1].WeightGrams</c>).</param>
    public sealed record Invalid(IDictionary<string, string[]> Errors) : DeliveryQuoteOutcome;
}

/// <summary>A stored quote: per seller group, the options it can ship with and the services that cannot carry it.</summary>
/// <param name="QuoteId">The id checkout names the quote by.</param>
/// <param name="QuotedAt">When it was computed.</param>
/// <param name="ExpiresAt">Until when checkout may hold the customer to it.</param>
/// <param name="Currency">The currency of every price in it.</param>
/// <param name="Sellers">One entry per seller group of the request, in its order.</param>
public sealed record DeliveryQuote(Guid QuoteId, DateTimeOffset QuotedAt, DateTimeOffset ExpiresAt, string Currency, IReadOnlyList<SellerDeliveryOptions> Sellers);

/// <summary>The delivery choices of one seller group.</summary>
/// <param name="SellerId">The seller.</param>
/// <param name="Options">What the customer can choose, cheapest first (then fastest, then by service id).</param>
/// <param name="Unavailable">Services of the rules that cannot carry this group, each with the reason.</param>
public sealed record SellerDeliveryOptions(Guid SellerId, IReadOnlyList<DeliveryOption> Options, IReadOnlyList<UnavailableDeliveryOption> Unavailable);

/// <summary>One way to deliver a seller group, priced.</summary>
/// <param name="OptionId">Unique within the group; the built-in carrier uses the service id, other carriers prefix theirs.</param>
/// <param name="CarrierId">The carrier that quoted it and that creates its shipment (<c>rules</c> for the built-in one).</param>
/// <param name="ServiceId">The carrier's service.</param>
/// <param name="ServiceName">The service's name, which the customer sees.</param>
/// <param name="Kind">Courier to the door, pickup point, or the seller's own delivery.</param>
/// <param name="Price">What the customer pays: zero when free delivery applies.</param>
/// <param name="RegularPrice">What the parcels cost by the rates, before free delivery.</param>
/// <param name="FreeDelivery">The pricing rule that made it free, when it did.</param>
/// <param name="Eta">The dates between which the group arrives.</param>
/// <param name="Parcels">How many parcels the group makes for this service.</param>
/// <param name="ChargeableWeightGrams">The parcels' chargeable weights together (each the larger of actual and volumetric).</param>
public sealed record DeliveryOption(
    string OptionId,
    string CarrierId,
    string ServiceId,
    string ServiceName,
    DeliveryServiceKind Kind,
    Money Price,
    Money RegularPrice,
    FreeDeliveryGrant? FreeDelivery,
    DeliveryEta Eta,
    int Parcels,
    int ChargeableWeightGrams);

/// <summary>When a group ships and arrives, in the dates of the rules' time zone.</summary>
/// <param name="DispatchDate">The working day the seller hands the parcels over.</param>
/// <param name="Earliest">The first day the group may arrive.</param>
/// <param name="Latest">The last day it should arrive.</param>
public sealed record DeliveryEta(DateOnly DispatchDate, DateOnly Earliest, DateOnly Latest);

/// <summary>A service that cannot carry the group, and why.</summary>
/// <param name="ServiceId">The service.</param>
/// <param name="ServiceName">Its name.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Reason">Why, as a code.</param>
/// <param name="Detail">Why, in words a customer can read, naming the SKU or the limit.</param>
public sealed record UnavailableDeliveryOption(string ServiceId, string ServiceName, DeliveryServiceKind Kind, UnavailableReason Reason, string Detail);

/// <summary>The kinds of delivery service.</summary>
public enum DeliveryServiceKind
{
    /// <summary>A courier brings the parcels to the address.</summary>
    CourierToDoor,

    /// <summary>The customer collects the parcels at a pickup point or locker.</summary>
    PickupPoint,

    /// <summary>The seller delivers with its own means.</summary>
    SellerOwnDelivery,
}

/// <summary>Why a service cannot carry a group.</summary>
public enum UnavailableReason
{
    /// <summary>The service has no rate for the destination's zone, or no zone holds the destination.</summary>
    ZoneNotServed,

    /// <summary>A unit, or a parcel, is heavier than the service carries.</summary>
    TooHeavy,

    /// <summary>A unit is larger than the service's size limits.</summary>
    TooBig,

    /// <summary>The cart's currency is not the one delivery is priced in.</summary>
    CurrencyNotPriced,
}

/// <summary>A seller's delivery choice at checkout: an option of a quote.</summary>
/// <param name="QuoteId">The quote.</param>
/// <param name="SellerId">The seller group it was quoted for.</param>
/// <param name="OptionId">The option chosen.</param>
public sealed record QuotedOptionChoice(Guid QuoteId, Guid SellerId, string OptionId);

/// <summary>One answer of <see cref="IDeliveryQuotes.GetQuotedOptionsAsync"/>.</summary>
public abstract record QuotedOptionLookup
{
    private QuotedOptionLookup()
    {
    }

    /// <summary>The quoted option, still valid.</summary>
    public sealed record Found(QuotedDeliveryOption Quoted) : QuotedOptionLookup;

    /// <summary>The quote expired: quote again.</summary>
    /// <param name="QuoteId">The quote.</param>
    /// <param name="ExpiredAt">When it expired.</param>
    public sealed record Expired(Guid QuoteId, DateTimeOffset ExpiredAt) : QuotedOptionLookup;

    /// <summary>No such quote (never made, or purged after it expired), or it offered no such option to that seller.</summary>
    /// <param name="Detail">Which of them, in words.</param>
    public sealed record NotFound(string Detail) : QuotedOptionLookup;
}

/// <summary>An option as quoted, with what it was quoted for.</summary>
/// <param name="QuoteId">The quote.</param>
/// <param name="SellerId">The seller group.</param>
/// <param name="ExpiresAt">Until when the price holds.</param>
/// <param name="Destination">The address quoted.</param>
/// <param name="Items">The group's items quoted.</param>
/// <param name="Option">The option, at its quoted price.</param>
public sealed record QuotedDeliveryOption(
    Guid QuoteId, Guid SellerId, DateTimeOffset ExpiresAt, DeliveryAddress Destination, IReadOnlyList<DeliveryItem> Items, DeliveryOption Option);
