using Marketplace.Catalog.Contracts;
using Marketplace.Ordering.Contracts;
using Marketplace.TestSupport;

namespace Marketplace.Ordering.Tests.Contracts;

/// <summary>The Catalog reads Ordering's <c>OrderPlaced</c> (to rank what sells) through a record of its own.</summary>
public sealed class CatalogReadingTests
{
    [Fact]
    public void The_catalogs_reading_of_order_placed_has_its_urn_and_fields() =>
        ContractReadings.AssertReads(typeof(OrderedUnitsRead), typeof(OrderPlaced));
}
