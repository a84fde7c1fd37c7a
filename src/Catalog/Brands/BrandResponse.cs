namespace Marketplace.Catalog.Brands;

/// <summary>A brand.</summary>
/// <param name="Id">Brand id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Slug">URL segment.</param>
public sealed record BrandResponse(Guid Id, string Name, string Slug);
