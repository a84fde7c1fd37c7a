using Marketplace.Catalog.Domain;

namespace Marketplace.Catalog.Categories;

/// <summary>A category with the attributes its products carry.</summary>
/// <param name="Id">Category id.</param>
/// <param name="ParentId">Parent category, null for a root.</param>
/// <param name="Name">Display name.</param>
/// <param name="Slug">URL segment.</param>
/// <param name="Path">Slugs from the root, e.g. <c>/electronics/phones/</c>.</param>
/// <param name="Attributes">Attribute definitions of this category.</param>
public sealed record CategoryResponse(Guid Id, Guid? ParentId, string Name, string Slug, string Path, IReadOnlyList<AttributeDefinitionDto> Attributes)
{
    internal static CategoryResponse From(Category c) => new(
        c.Id, c.ParentId, c.Name, c.Slug, c.Path,
        c.Attributes.OrderBy(a => a.Code, StringComparer.Ordinal)
            .Select(a => new AttributeDefinitionDto(a.Code, a.Name, a.Type, a.Unit, a.Filterable, a.Type == AttributeType.Enum ? a.AllowedValues : null))
            .ToList());
}

/// <summary>A typed attribute of a category.</summary>
/// <param name="Code">Machine name, used in product attributes and filters (<c>attr.{code}=value</c>).</param>
/// <param name="Name">Display name.</param>
/// <param name="Type">Value type.</param>
/// <param name="Unit">Unit of a number, e.g. <c>in</c> or <c>GB</c>.</param>
/// <param name="Filterable">Whether browse and search offer it as a filter and facet.</param>
/// <param name="AllowedValues">For enums: the permitted values.</param>
public sealed record AttributeDefinitionDto(string Code, string Name, AttributeType Type, string? Unit, bool Filterable, IReadOnlyList<string>? AllowedValues);
