using System.Net;
using Xunit;

namespace Marketplace.TestSupport;

/// <summary>The refusals every conditional write answers alike (docs/api-conventions.md), so each route is held to one shape.</summary>
public static class PreconditionAssertions
{
    /// <summary>428: the write was sent without <c>If-Match</c>.</summary>
    public static async Task AssertIfMatchRequiredAsync(this HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.PreconditionRequired);
        Assert.Equal("If-Match is required", problem.GetProperty("title").GetString());
        Assert.Contains("If-Match header", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>412: <c>If-Match</c> names a version the resource is no longer at (or a weak tag).</summary>
    public static async Task AssertIfMatchFailedAsync(this HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("If-Match does not match the current version", problem.GetProperty("title").GetString());
        Assert.Contains("If-Match", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>400 naming <c>If-Match</c>: the header is not <c>*</c> or a list of quoted entity tags.</summary>
    public static async Task AssertIfMatchMalformedAsync(this HttpResponseMessage response)
    {
        var problem = await response.AssertValidationProblemAsync("If-Match");
        Assert.Equal("The If-Match header cannot be read", problem.GetProperty("title").GetString());
    }
}
