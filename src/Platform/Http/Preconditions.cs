using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Platform.Http;

/// <summary>The ETag of a versioned resource: its version as a strong entity tag.</summary>
public static class ETag
{
    /// <summary><c>"3"</c> for version 3.</summary>
    public static string Of(string version) => new EntityTagHeaderValue($"\"{version}\"").ToString();

    /// <inheritdoc cref="Of(string)"/>
    public static string Of(long version) => Of(version.ToString(CultureInfo.InvariantCulture));

    /// <summary>Sets the answer's <c>ETag</c> to the version, so the caller can send it back in <c>If-Match</c>.</summary>
    public static void Set(HttpResponse response, string version) => response.Headers.ETag = Of(version);

    /// <inheritdoc cref="Set(HttpResponse, string)"/>
    public static void Set(HttpResponse response, long version) => response.Headers.ETag = Of(version);
}

/// <summary>
/// An <c>If-Match</c> header as RFC 9110 §13.1.1 reads it: <c>*</c> (any current version) or a list of entity tags.
/// Comparison is strong, so a weak tag (<c>W/"3"</c>) never matches.
/// </summary>
public sealed class IfMatch
{
    private readonly IReadOnlyList<EntityTagHeaderValue> _tags;

    private IfMatch(bool any, IReadOnlyList<EntityTagHeaderValue> tags)
    {
        IsAny = any;
        _tags = tags;
    }

    /// <summary>True for <c>If-Match: *</c>, which any current version satisfies.</summary>
    public bool IsAny { get; }

    /// <summary>Whether the resource at <paramref name="currentVersion"/> satisfies the condition.</summary>
    public bool Matches(string currentVersion)
    {
        if (IsAny)
        {
            return true;
        }

        var current = new EntityTagHeaderValue(ETag.Of(currentVersion));
        return _tags.Any(tag => tag.Compare(current, useStrongComparison: true));
    }

    /// <inheritdoc cref="Matches(string)"/>
    public bool Matches(long currentVersion) => Matches(currentVersion.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Reads the header's values. Null <paramref name="condition"/> and null <paramref name="error"/>: the header is
    /// absent or blank. A non-null <paramref name="error"/>: it is not <c>*</c> or a list of quoted entity tags.
    /// </summary>
    public static bool TryParse(StringValues header, [NotNullWhen(true)] out IfMatch? condition, out string? error)
    {
        condition = null;
        error = null;
        if (header.All(string.IsNullOrWhiteSpace))
        {
            return false;
        }

        if (!EntityTagHeaderValue.TryParseStrictList(header, out var tags) || tags.Count == 0)
        {
            error = "must be * or a comma-separated list of quoted entity tags, such as \"3\" (the ETag as it was read).";
            return false;
        }

        var any = tags.Any(t => t.Equals(EntityTagHeaderValue.Any));
        if (any && tags.Count > 1)
        {
            error = "* stands alone; it cannot be listed with entity tags.";
            return false;
        }

        condition = new IfMatch(any, [.. tags]);
        return true;
    }
}

/// <summary>
/// The one behaviour of every conditional write (docs/api-conventions.md): no <c>If-Match</c> is 428, an unreadable
/// one is 400 naming the header, one that no longer matches is 412; all problem+json, and nothing is written.
/// </summary>
public static class Preconditions
{
    /// <summary>The header a conditional write needs, as problems name it.</summary>
    public const string Header = "If-Match";

    /// <summary>The request's <c>If-Match</c>, or the refusal (428 when absent, 400 when malformed) to answer instead.</summary>
    public static bool TryReadIfMatch(
        HttpRequest request, [NotNullWhen(true)] out IfMatch? condition, [NotNullWhen(false)] out ProblemHttpResult? refusal)
    {
        if (IfMatch.TryParse(request.Headers.IfMatch, out condition, out var error))
        {
            refusal = null;
            return true;
        }

        refusal = error is null ? Required() : Malformed(error);
        return false;
    }

    /// <summary>428: the write needs <c>If-Match</c>.</summary>
    public static ProblemHttpResult Required() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status428PreconditionRequired,
            title: "If-Match is required",
            detail: "Read the resource first and send its ETag in the If-Match header, so that a change made meanwhile is not overwritten.");

    /// <summary>400 naming <c>If-Match</c> under <c>errors</c>, as a validation problem names a field.</summary>
    public static ProblemHttpResult Malformed(string error) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "The If-Match header cannot be read",
            detail: $"If-Match {error}",
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = new Dictionary<string, string[]> { [Header] = [$"If-Match {error}"] },
            });

    /// <summary>412: the resource is no longer at the version sent; <paramref name="currentVersion"/> when known.</summary>
    public static ProblemHttpResult Failed(string? currentVersion) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status412PreconditionFailed,
            title: "If-Match does not match the current version",
            detail: currentVersion is null
                ? "The resource changed while this write was applied. Read it again, redo the change and send the new ETag in If-Match."
                : $"The resource is at version {currentVersion} (ETag {ETag.Of(currentVersion)}). Read it again, redo the change and send the new ETag in If-Match.");

    /// <inheritdoc cref="Failed(string?)"/>
    public static ProblemHttpResult Failed(long currentVersion) => Failed(currentVersion.ToString(CultureInfo.InvariantCulture));

    /// <summary>Documents the three refusals of a conditional write in OpenAPI (the 400 has the validation shape).</summary>
    public static RouteHandlerBuilder ProducesPreconditionProblems(this RouteHandlerBuilder builder) =>
        builder
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
