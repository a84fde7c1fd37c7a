namespace Marketplace.Catalog.Contracts;

/// <summary>
/// The seed only loads into an empty catalog: mixing demo rows into real ones would corrupt both. The host's seed
/// command catches it to answer with a message instead of a stack trace.
/// </summary>
public sealed class CatalogNotEmptyException()
    : InvalidOperationException("The catalog already has categories, brands or products; seed an empty database.");
