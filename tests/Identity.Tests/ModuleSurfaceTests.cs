using Xunit;

namespace Marketplace.Identity.Tests;

public sealed class ModuleSurfaceTests
{
    [Fact]
    public void Only_the_module_entry_point_and_the_contracts_are_public()
    {
        var assembly = typeof(IdentityModule).Assembly;

        var exposed = assembly.GetExportedTypes()
            .Where(t => t != typeof(IdentityModule) && t.Namespace != "Marketplace.Identity.Contracts")
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(exposed);
    }
}
