using MassTransit;

namespace Marketplace.Catalog.Contracts;

// Ordering's OrderPlaced, as the Catalog reads it to rank what sells. Ordering references the Catalog (checkout reserves
// stock through it), so the Catalog cannot reference Ordering's contracts; it declares the fields it reads under the same
// message URN, and MassTransit hands it the events Ordering publishes. Public only because MassTransit declares the
// exchanges of non-public message types as temporary, which would clash with Ordering's durable one. Nobody publishes
// these: publish Ordering's own record. A test in Ordering.Tests holds them to Ordering's records.

/// <summary>The Catalog's reading of Ordering's <c>OrderPlaced</c>: what a placed order bought. Never published as such.</summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="Lines">What it bought; null in events written before Ordering carried lines.</param>
[MessageUrn(Urn)]
public sealed record OrderedUnitsRead(Guid OrderId, IReadOnlyList<OrderedUnitsLineRead>? Lines = null)
{
    /// <summary>Ordering's <c>OrderPlaced</c>.</summary>
    public const string Urn = "Marketplace.Ordering.Contracts:OrderPlaced";
}

/// <summary>The Catalog's reading of a line of Ordering's <c>OrderPlaced</c> (<c>OrderPlacedLine</c>).</summary>
/// <param name="OfferId">The seller's offer bought.</param>
/// <param name="Quantity">Units bought; null in events written before Ordering carried it (read as one).</param>
public sealed record OrderedUnitsLineRead(Guid OfferId, int? Quantity = null);
