using System.Net;
using System.Text.Json;
using Xunit;

namespace Marketplace.TestSupport;

/// <summary>Assertions on what a client sees when its input is refused.</summary>
public static class ProblemAssertions
{
    /// <summary>Asserts a problem+json answer with the status, and returns its parsed body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts a 400 validation problem whose <c>errors</c> name the field (case-insensitive, prefix match for nested paths).</summary>
    public static async Task<JsonElement> AssertValidationProblemAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), $"No 'errors' in {problem}");
        var names = errors.EnumerateObject().Select(p => p.Name).ToList();
        Assert.True(
            names.Any(n => n.Equals(field, StringComparison.OrdinalIgnoreCase) || n.StartsWith(field + ".", StringComparison.OrdinalIgnoreCase) || n.StartsWith(field + "[", StringComparison.OrdinalIgnoreCase) || n.Contains("." + field, StringComparison.OrdinalIgnoreCase)),
            $"Expected an error naming '{field}', got: {string.Join(", ", names)}");
        return problem;
    }
}
