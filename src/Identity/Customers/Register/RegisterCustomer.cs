using FluentValidation;
using Marketplace.Identity.Accounts;
using Marketplace.Identity.Contracts;
using Marketplace.Identity.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Identity.Customers.Register;

/// <summary>A new customer account.</summary>
internal sealed record RegisterCustomerRequest(string Email, string Password);

/// <summary>
/// The answer to every valid registration, whether the email was free or already taken, so that registering
/// cannot be used to learn who has an account. A new account can sign in at once; the owner of a taken email
/// is told of the attempt through the notification path instead.
/// </summary>
/// <param name="Email">The email as submitted.</param>
/// <param name="Next">What to do now.</param>
internal sealed record RegistrationReceived(string Email, string Next);

internal sealed class RegisterCustomerValidator : AbstractValidator<RegisterCustomerRequest>
{
    public RegisterCustomerValidator(IOptions<PasswordPolicy> policy)
    {
        RuleFor(r => r.Email).NotEmpty().MaximumLength(254).EmailAddress();
        RuleFor(r => r.Password).NotEmpty().MinimumLength(policy.Value.MinLength).MaximumLength(policy.Value.MaxLength);
    }
}

internal static class RegisterCustomer
{
    private const string Next = "Sign in with this email and password. If the email already had an account, its owner has been notified instead.";

    public static async Task<Accepted<RegistrationReceived>> Handle(
        RegisterCustomerRequest request, IdentityDbContext db, Passwords passwords, TimeProvider clock, CancellationToken cancellationToken)
    {
        // Both ways hash the password and write one row, so the answer takes about as long either way.
        var now = clock.GetUtcNow();
        var account = await NewAccounts.TryOpenAsync(db, passwords, request.Email, request.Password, now, [], cancellationToken);
        if (account is null)
        {
            var normalized = UserAccount.Normalize(request.Email);
            var registered = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == normalized).Select(u => u.Email).SingleAsync(cancellationToken);
            db.Publish(new EmailAlreadyRegistered(registered, now), clock);
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.Accepted((string?)null, new RegistrationReceived(request.Email.Trim(), Next));
    }
}
