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
public sealed record QueryParameterDoc(string Name, QueryParameterType Type, string Description, bool Repeatable = false);
