namespace Marketplace.Platform.Hosting;

/// <summary>Which adapter one component of the system runs on, as reported by the system endpoint and the start-up log.</summary>
/// <param name="Component">For example <c>database:catalog</c>, <c>messaging</c>, <c>search</c>.</param>
/// <param name="Adapter">For example <c>postgresql (schema catalog)</c> or <c>masstransit in-memory</c>.</param>
public sealed record ComponentAdapter(string Component, string Adapter);
