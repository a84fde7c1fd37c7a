using Marketplace.Catalog.Domain;

namespace Marketplace.Catalog.Reviews;

/// <summary>A review as shown on the product page.</summary>
/// <param name="Id">Review id.</param>
/// <param name="ProductId">The product.</param>
/// <param name="Author">The name the review is shown under: a pseudonym such as <c>Customer 3f2a9c</c>, the same for all of one customer's reviews, never an account id.</param>
/// <param name="Rating">1 to 5 stars.</param>
/// <param name="Text">The review text.</param>
/// <param name="Status">Moderation state.</param>
/// <param name="CreatedAt">When it was written.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record ReviewResponse(Guid Id, Guid ProductId, string Author, int Rating, string Text, ReviewStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static ReviewResponse From(Review r) => new(r.Id, r.ProductId, ReviewAuthor.DisplayName(r.CustomerId), r.Rating, r.Text, r.Status, r.CreatedAt, r.UpdatedAt);
}
