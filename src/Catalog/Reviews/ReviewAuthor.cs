using System.Security.Cryptography;

namespace Marketplace.Catalog.Reviews;

/// <summary>
/// The name a review is shown under. Catalog knows its reviewers only by account id, which must not be public
/// (it names the account everywhere else in the API); a short pseudonym derived from it lets readers tell a
/// product's reviewers apart without learning who they are.
/// </summary>
internal static class ReviewAuthor
{
    public static string DisplayName(Guid customerId)
    {
        Span<byte> id = stackalloc byte[16];
        customerId.TryWriteBytes(id);
        return $"Customer {Convert.ToHexStringLower(SHA256.HashData(id)[..3])}";
    }
}
