namespace Marketplace.Platform.Http;

/// <summary>The JSON type of a documented query parameter.</summary>
public enum QueryParameterType
{
    Text,
    WholeNumber,
    Amount,
    Flag,
    Uuid,
}

/// <summary>
/// Documents a query parameter that an endpoint reads through a custom binder (which API explorers cannot see);
/// the host turns it into an OpenAPI parameter. Attach with <c>.WithMetadata(...)</c>.
/// </summary>
/// <param name="Name">Parameter name as sent, e.g. <c>minPrice</c> or <c>attr.{code}</c>.</param>
/// <param name="Type">Its JSON type.</param>
/// <param name="Description">What it does.</param>
/// <param name="Repeatable">Whether it may be given several times.</param>
/// <param name="Deprecated">Still accepted, but clients should move to what the description names.</param>
public sealed record QueryParameterDoc(string Name, QueryParameterType Type, string Description, bool Repeatable = false, bool Deprecated = false);

/// <summary>
/// Documents a request body that an endpoint reads as a stream (JSON Lines, CSV) rather than through a bound
/// parameter. Only the OpenAPI document changes: declaring the media types to routing would answer 415 before the
/// handler can explain which formats it takes. Attach with <c>.WithMetadata(...)</c>.
/// </summary>
/// <param name="Description">What the body holds, row by row.</param>
/// <param name="MediaTypes">The accepted content types.</param>
public sealed record StreamedBodyDoc(string Description, IReadOnlyList<string> MediaTypes);

/// <summary>
/// Documents a request header an endpoint reads from the request itself (<c>Idempotency-Key</c>), and optionally a
/// response header it may set, so that generated clients type them. Attach with <c>.WithMetadata(...)</c>.
/// </summary>
/// <param name="Name">The header's name as sent.</param>
/// <param name="Description">What it does.</param>
/// <param name="Required">True when the endpoint refuses a request without it (400).</param>
/// <param name="MaxLength">The longest value accepted, when there is a limit.</param>
public sealed record HeaderParameterDoc(string Name, string Description, bool Required, int? MaxLength = null);

/// <summary>Documents a header the endpoint may set on its answers with the given status.</summary>
/// <param name="Status">The status code whose answers may carry it.</param>
/// <param name="Name">The header's name.</param>
/// <param name="Description">When it is set and what it means.</param>
public sealed record ResponseHeaderDoc(int Status, string Name, string Description);
