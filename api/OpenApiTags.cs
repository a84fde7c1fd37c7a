using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Marketplace.Api;

/// <summary>
/// What each tag of the OpenAPI document groups, in one place: a route with a tag missing here is documented without a
/// description, which the tag test and the linters refuse.
/// </summary>
internal static class OpenApiTags
{
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Admin money"] = "The platform's ledger accounts per currency, as finance staff read them, and payout runs on demand (admins).",
        ["Admin orders"] = "Order groups as marketplace staff find them for a support case (admins).",
        ["Administration"] = "Staff work on accounts and sellers: staff roles, suspending and reinstating sellers (admins).",
        ["Authentication"] = "Sign-in with email and password, refresh-token rotation and sign-out. Access tokens are the bearer credential of every other route.",
        ["Brands"] = "The brands products are filed under; anyone reads them, admins create them.",
        ["Cart"] = "The shopper's cart, priced on every read: a guest's by its X-Cart-Token, a signed-in customer's by its bearer token; merged into the customer's cart at sign-in.",
        ["Categories"] = "The category tree and each category's attribute definitions; anyone reads them, admins change them.",
        ["Checkout"] = "Quoting delivery for the cart and placing its orders (one per seller) with an Idempotency-Key, for guests and signed-in customers.",
        ["Cross-links"] = "Links between products (related, accessories, substitutes, comparable): read by anyone, set by the product's seller.",
        ["Customers"] = "Customer accounts: registration and the signed-in account.",
        ["Delivery"] = "Delivery services, their zones, prices and transit days under the rules in force.",
        ["Delivery webhooks"] = "Carriers' status callbacks; each carrier authenticates by its own means, not by marketplace credentials.",
        ["Orders"] = "A buyer's orders: a signed-in customer's list, and one order read, cancelled or confirmed by its customer or by a guest's order token.",
        ["Payments sandbox"] = "The sandbox payment provider's stand-in for the bank's 3-D Secure page, on hosts that run the sandbox provider.",
        ["Payments webhooks"] = "The payment provider's signed event callbacks, on hosts that run that provider.",
        ["Products"] = "Product comparison across the catalog.",
        ["Reviews"] = "Customers' reviews and ratings of products, and their moderation by admins.",
        ["Runtime rules"] = "Discount, promotion, pricing and delivery rules changed at runtime (Consul KV or files), validated before they take effect (marketing staff).",
        ["Seller API keys"] = "A seller's API keys for its machine calls: created, rotated and revoked by the seller's members.",
        ["Seller invitations"] = "Invitations to act for a seller, as the invited account answers them.",
        ["Seller money"] = "What the platform owes a seller, per currency, and the statement of every movement on that balance.",
        ["Seller offers"] = "A seller's prices and stock on SKUs, one at a time or in bulk (JSON Lines or CSV).",
        ["Seller orders"] = "A seller's part of each order: accept, reject, ship (with parcels) and deliver, one at a time or in bulk.",
        ["Seller payouts"] = "A seller's payout account at the payment provider: onboarding through the provider's link, and whether payouts reach the seller yet.",
        ["Seller products"] = "A seller's own products and SKUs, one at a time or in bulk.",
        ["Seller webhooks"] = "A seller's webhook endpoints for order events, their signing secrets, test sends and delivery history.",
        ["Sellers"] = "Seller organisations: registration, public profile, members and invitations.",
        ["Storefront"] = "Browse, search and read products as shoppers see them, with facets, offers and ratings.",
        ["System"] = "The host's liveness, readiness and version.",
    };
}

/// <summary>
/// What the document says as a whole: a relative server (so it works behind any host and path), and every tag its
/// operations use, in name order, with its description from <see cref="OpenApiTags"/>.
/// </summary>
internal sealed class DocumentShapeFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Servers = [new OpenApiServer { Url = "/", Description = "The host that serves this document." }];
        if (document.Components?.SecuritySchemes is { Count: > 1 } schemes)
        {
            // Routes declare their header tokens as the document meets them; the name order keeps the file stable.
            document.Components.SecuritySchemes = schemes.OrderBy(scheme => scheme.Key, StringComparer.Ordinal).ToDictionary();
        }

        var used = document.Paths.Values
            .SelectMany(path => path.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(operation => operation.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(tag => tag.Name)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(used.Select(name => new OpenApiTag
        {
            Name = name,
            Description = OpenApiTags.Descriptions.GetValueOrDefault(name),
        }));
    }
}
