using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
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

    /// <summary>
    /// Asserts a 400 validation problem whose <c>errors</c> name the field (case-insensitive): the field as a whole path
    /// segment, alone or with a nested path around it (<c>discounts</c> matches <c>discounts[0].percent</c> and
    /// <c>rules.discounts</c>, never <c>discountCodes</c>).
    /// </summary>
    public static async Task<JsonElement> AssertValidationProblemAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), $"No 'errors' in {problem}");
        var names = errors.EnumerateObject().Select(p => p.Name).ToList();
        Assert.True(names.Any(n => Names(n, field)), $"Expected an error naming '{field}', got: {string.Join(", ", names)}");
        return problem;
    }

    /// <summary>Whether an error key names the field: the field's path starts a segment of the key and ends one.</summary>
    public static bool Names(string errorKey, string field) =>
        Regex.IsMatch(errorKey, $@"(^|\.){Regex.Escape(field)}($|[.\[])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
