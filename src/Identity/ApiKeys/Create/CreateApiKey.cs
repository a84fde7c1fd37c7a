using System.Security.Claims;
using FluentValidation;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Sellers;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Identity.ApiKeys.Create;

/// <summary>A new API key for the seller, named by its purpose (for example "ERP sync").</summary>
/// <param name="Name">What the key is for.</param>
/// <param name="ExpiresAt">Optional: when the key stops working; in the future and within <c>Identity:ApiKeys:MaxLifetime</c>. Without it the key works until revoked.</param>
internal sealed record CreateApiKeyRequest(string Name, DateTimeOffset? ExpiresAt = null);

/// <summary>The new key. <see cref="Key"/> is shown only in this answer; store it now.</summary>
internal sealed record CreatedApiKey(Guid KeyId, string Name, string Key, string DisplayPrefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

internal sealed class CreateApiKeyValidator : AbstractValidator<CreateApiKeyRequest>
{
    public CreateApiKeyValidator(TimeProvider clock, IOptions<ApiKeyOptions> options)
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(100);
        RuleFor(r => r.ExpiresAt)
            .Must(at => at > clock.GetUtcNow()).WithMessage("Use a time in the future.")
            .Must(at => at <= clock.GetUtcNow() + options.Value.MaxLifetime).WithMessage($"A key may live at most {options.Value.MaxLifetime.TotalDays:0} days.")
            .When(r => r.ExpiresAt is not null);
    }
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

        var created = Add(db, sellerId, request.Name.Trim(), request.ExpiresAt, caller.UserId()!.Value, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/sellers/{sellerId}/api-keys", created);
    }

    /// <summary>Adds a key with a fresh secret; the caller saves.</summary>
    public static CreatedApiKey Add(IdentityDbContext db, Guid sellerId, string name, DateTimeOffset? expiresAt, Guid createdBy, DateTimeOffset now)
    {
        var keyId = Guid.CreateVersion7(now);
        var (key, prefix, hash) = ApiKeySecret.New(keyId);
        db.ApiKeys.Add(new ApiKey
        {
            Id = keyId,
            SellerId = sellerId,
            Name = name,
            DisplayPrefix = prefix,
            SecretHash = hash,
            CreatedBy = createdBy,
            CreatedAt = now,
            ExpiresAt = expiresAt,
        });
        return new CreatedApiKey(keyId, name, key, prefix, now, expiresAt);
    }
}
