using System.Text.Json.Serialization;

namespace Marketplace.Catalog.Domain;

/// <summary>A node of the category tree. <see cref="Path"/> lets a browse include every descendant with one prefix match.</summary>
internal sealed class Category
{
    public Guid Id { get; set; }

    public Guid? ParentId { get; set; }

    public string Name { get; set; } = "";

    public string Slug { get; set; } = "";

    /// <summary>Slugs from the root, slash-separated and slash-terminated: <c>/electronics/phones/</c>.</summary>
    public string Path { get; set; } = "/";

    public int Depth { get; set; }

    public List<AttributeDefinition> Attributes { get; set; } = [];
}

/// <summary>The kinds of value a category attribute holds.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AttributeType>))]
public enum AttributeType
{
    Text,
    Number,
    Boolean,
    Enum,
}

/// <summary>A typed attribute that products of a category carry; filterable ones become facets.</summary>
internal sealed class AttributeDefinition
{
    public Guid Id { get; set; }

    public Guid CategoryId { get; set; }

    /// <summary>Machine name used in product attributes and filters, e.g. <c>screen_size</c>.</summary>
    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    public AttributeType Type { get; set; }

    public string? Unit { get; set; }

    public bool Filterable { get; set; }

    /// <summary>For <see cref="AttributeType.Enum"/>: the permitted values.</summary>
    public List<string> AllowedValues { get; set; } = [];
}

internal sealed class Brand
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public string Slug { get; set; } = "";
}
