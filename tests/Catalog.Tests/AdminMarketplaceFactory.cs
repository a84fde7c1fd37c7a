using Marketplace.TestSupport;

namespace Marketplace.Catalog.Tests;

/// <summary>The real host with a bootstrap admin, for tests that moderate or read staff-only lists.</summary>
public sealed class AdminMarketplaceFactory : MarketplaceFactory
{
    public AdminMarketplaceFactory() => this.WithBootstrapAdmin();
}
