using System.Security.Claims;
using FluentValidation;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Sellers;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Identity.ApiKeys.Create;

/// <summary>A new API key for the seller, named by its purpose (for example "ERP sync").</summary>
internal sealed record CreateApiKeyRequest(string Name);

/// <summary>The new key. <see cref="Key"/> is shown only in this answer; store it now.</summary>
internal sealed record CreatedApiKey(Guid KeyId, string Name, string Key, string DisplayPrefix, DateTimeOffset CreatedAt);

internal sealed class CreateApiKeyValidator : AbstractValidator<CreateApiKeyRequest>
{
    public CreateApiKeyValidator() => RuleFor(r => r.Name).NotEmpty().MaximumLength(100);
}

internal static class CreateApiKey
{
    public static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> Handle(
        Guid sellerId, CreateApiKeyRequest request, ClaimsPrincipal caller, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!caller.MayManageCredentials(sellerId))
        {
            return SellerAccess.Forbidden(sellerId);
        }

        var now = clock.GetUtcNow();
        var keyId = Guid.CreateVersion7(now);
        var (key, prefix, hash) = ApiKeySecret.New(keyId);
        db.ApiKeys.Add(new ApiKey
        {
            Id = keyId,
            SellerId = sellerId,
            Name = request.Name.Trim(),
            DisplayPrefix = prefix,
            SecretHash = hash,
            CreatedBy = caller.UserId()!.Value,
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/sellers/{sellerId}/api-keys", new CreatedApiKey(keyId, request.Name.Trim(), key, prefix, now));
    }
}
