using System.Security.Claims;
using FluentValidation;
using Marketplace.Identity.Accounts;
using Marketplace.Identity.ApiKeys;
using Marketplace.Identity.ApiKeys.Create;
using Marketplace.Identity.ApiKeys.List;
using Marketplace.Identity.ApiKeys.Revoke;
using Marketplace.Identity.ApiKeys.Rotate;
using Marketplace.Identity.Customers.Register;
using Marketplace.Identity.Demo;
using Marketplace.Identity.Me;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Sellers;
using Marketplace.Identity.Sellers.Create;
using Marketplace.Identity.Sellers.GetProfile;
using Marketplace.Identity.Sellers.Invitations;
using Marketplace.Identity.Sellers.Invitations.Answer;
using Marketplace.Identity.Sellers.Invitations.Invite;
using Marketplace.Identity.Sellers.Invitations.Withdraw;
using Marketplace.Identity.Sellers.Members;
using Marketplace.Identity.Sellers.Standing;
using Marketplace.Identity.Staff.Bootstrap;
using Marketplace.Identity.Staff.SetRoles;
using Marketplace.Identity.Tokens;
using Marketplace.Identity.Tokens.Issue;
using Marketplace.Identity.Tokens.Logout;
using Marketplace.Identity.Tokens.Refresh;
using Marketplace.Identity.Tokens.SignInProtection;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Http;
using Marketplace.Platform.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Identity;

/// <summary>Accounts, sellers, staff roles, tokens and API keys: who is calling, and for whom.</summary>
public static class IdentityModule
{
    internal const string Module = "Identity";

    /// <summary>Chooses JwtBearer or the API key handler per request, by whether <c>X-Api-Key</c> is present.</summary>
    internal const string CallerScheme = "Caller";

    /// <summary>Per client network, on what can be brute-forced: sign-in, token refresh, registration.</summary>
    private const string CredentialsPolicy = "credentials";

    /// <summary>The header that carries a seller API key.</summary>
    public const string ApiKeyHeader = ApiKeyAuthenticationHandler.Header;

    /// <summary>
    /// Who a call with a valid API key is, to authorization; the OpenAPI document asks each route's policy whether it
    /// lets such a caller in, so that which routes take an API key is never listed by hand.
    /// </summary>
    public static ClaimsPrincipal ApiKeyCaller() => ApiKeyAuthenticationHandler.Caller(Guid.NewGuid(), Guid.NewGuid(), MarketplaceClaims.ApiKeyScheme);

    /// <summary>Registers the Identity database, authentication (JWT and seller API keys) and the authorization policies.</summary>
    public static WebApplicationBuilder AddIdentityModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddModuleDatabase<IdentityDbContext>(builder.Configuration, Module);

        var tokenSection = builder.Configuration.GetSection("Identity:Jwt");
        services.Configure<JwtOptions>(tokenSection);
        services.Configure<PasswordPolicy>(builder.Configuration.GetSection("Identity:Password"));
        services.Configure<PasswordHasherOptions>(builder.Configuration.GetSection("Identity:Password:Hashing"));
        var tokenOptions = tokenSection.Get<JwtOptions>() ?? new JwtOptions();
        var signingKey = SigningKey.Load(tokenOptions, builder.Configuration, builder.Environment);
        services.AddSingleton(signingKey);
        services.AddSingleton(new ComponentAdapter("identity:signing-key", signingKey.Source));
        services.AddOptions<SignInProtectionOptions>().Bind(builder.Configuration.GetSection("Identity:SignIn"))
            .Validate(o => o.AttemptsPerMinute > 0 && o.FailuresBeforeLockout > 0 && o.FirstLockout > TimeSpan.Zero && o.MaxLockout >= o.FirstLockout && o.ForgetAfter > TimeSpan.Zero,
                "Identity:SignIn needs AttemptsPerMinute and FailuresBeforeLockout above 0, a positive FirstLockout and ForgetAfter, and MaxLockout no shorter than FirstLockout.")
            .ValidateOnStart();
        services.AddOptions<InvitationOptions>().Bind(builder.Configuration.GetSection("Identity:Invitations"))
            .Validate(o => o.PerSellerPerHour > 0 && o.Lifetime > TimeSpan.Zero, "Identity:Invitations needs PerSellerPerHour above 0 and a positive Lifetime.")
            .ValidateOnStart();
        services.AddOptions<ApiKeyOptions>().Bind(builder.Configuration.GetSection("Identity:ApiKeys"))
            .Validate(o => o.MaxLifetime > TimeSpan.Zero && o.RotationGrace >= TimeSpan.Zero, "Identity:ApiKeys needs a positive MaxLifetime and a RotationGrace of 0 or more.")
            .ValidateOnStart();
        services.AddOptions<SellerStandingOptions>().Bind(builder.Configuration.GetSection("Identity:Sellers"))
            .Validate(o => o.MembershipCacheTtl >= TimeSpan.Zero, "Identity:Sellers:MembershipCacheTtl must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<SellerStanding>();
        services.AddScoped<Contracts.IAccountDirectory, AccountDirectory>();
        services.AddSingleton<Passwords>();
        services.AddSingleton<SessionTokens>();
        services.AddSingleton<IdentityMetrics>();
        services.AddSingleton<SignInGuard>();
        // Validators hold no per-request state; building one compiles its rules, so build each once.
        services.AddValidatorsFromAssembly(typeof(IdentityModule).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);

        services.AddAuthentication(CallerScheme)
            .AddPolicyScheme(CallerScheme, "JWT bearer token or seller API key", policy =>
                policy.ForwardDefaultSelector = context => context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header)
                    ? MarketplaceClaims.ApiKeyScheme
                    : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = tokenOptions.Issuer,
                    ValidAudience = tokenOptions.Audience,
                    IssuerSigningKey = signingKey.Key,
                    ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                    ClockSkew = tokenOptions.ClockSkew,
                    NameClaimType = MarketplaceClaims.Subject,
                    RoleClaimType = MarketplaceClaims.Role,
                };
                jwt.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context => context.HttpContext.RequestServices.GetRequiredService<SellerStanding>().RestrictToCurrentAsync(
                        context.Principal!, context.HttpContext.RequestServices.GetRequiredService<IdentityDbContext>(), context.HttpContext.RequestAborted),
                };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(MarketplaceClaims.ApiKeyScheme, _ => { });

        services.AddAuthorizationBuilder()
            .AddPolicy(MarketplaceClaims.Policies.Customer, policy => policy.RequireAuthenticatedUser().RequireAssertion(context => context.User.IsPerson()))
            .AddPolicy(MarketplaceClaims.Policies.Seller, policy => policy.RequireAuthenticatedUser().RequireClaim(MarketplaceClaims.Seller))
            .AddPolicy(MarketplaceClaims.Policies.Admin, policy => policy.RequireClaim(MarketplaceClaims.Role, MarketplaceClaims.Roles.Admin))
            .AddPolicy(MarketplaceClaims.Policies.Marketing, policy =>
                policy.RequireClaim(MarketplaceClaims.Role, MarketplaceClaims.Roles.Marketing, MarketplaceClaims.Roles.Admin));

        // Sign-in is further limited per email and network by the lockout (Identity:SignIn). The per-minute key is the
        // name this limit had before RateLimits:credentials; it still counts when the new key is unset.
        services.AddRateLimitPolicy(builder.Configuration, CredentialsPolicy, 20, RateLimits.ClientKey, "Api:CredentialAttemptsPerMinute");

        // After AddModuleDatabase, so that they run once the platform has prepared the schema.
        services.AddHostedService<BootstrapAdmin>();
        services.AddHostedService<DemoAccounts>();
        return builder;
    }

    /// <summary>Maps the Identity endpoints under <c>/api/v1</c>.</summary>
    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder app)
    {
        // Tokens, secrets and account data must not be kept by a browser or proxy cache.
        var api = app.MapGroup("/api/v1").NeverStored();

        var auth = api.MapGroup("/auth").WithTags("Authentication");
        auth.MapPost("/token", IssueToken.Handle)
            .WithName("IssueToken")
            .WithSummary("Sign in with email and password; returns an access token and a refresh token. Repeated failures for one email from one network lock that pair out for growing periods (429 with Retry-After)")
            .Validate<IssueTokenRequest>()
            .RequireRateLimiting(CredentialsPolicy);
        auth.MapPost("/refresh", RefreshTokens.Handle)
            .WithName("RefreshToken")
            .WithSummary("Exchange a refresh token for a new pair; a reused refresh token ends the whole session, except the immediately previous one within a few seconds (two tabs refreshing at once)")
            .Validate<RefreshTokenRequest>()
            .RequireRateLimiting(CredentialsPolicy);
        auth.MapPost("/logout", Logout.Handle)
            .WithName("Logout")
            .WithSummary("End the sign-in session of a refresh token")
            .Validate<LogoutRequest>();

        api.MapPost("/customers", RegisterCustomer.Handle)
            .WithName("RegisterCustomer")
            .WithSummary("Register a customer account with email and password; answers 202 alike whether or not the email was taken (its owner is notified instead)")
            .WithTags("Customers")
            .Validate<RegisterCustomerRequest>()
            .RequireRateLimiting(CredentialsPolicy);
        api.MapGet("/me", GetMe.Handle)
            .WithName("GetMe")
            .WithSummary("The signed-in account: id, email, roles and seller memberships")
            .WithTags("Customers")
            .RequireAuthorization(MarketplaceClaims.Policies.Customer);

        var myInvitations = api.MapGroup("/me/invitations").WithTags("Seller invitations").RequireAuthorization(MarketplaceClaims.Policies.Customer);
        myInvitations.MapGet("/", AnswerInvitation.ListMine)
            .WithName("ListMyInvitations")
            .WithSummary("Open invitations to act for a seller, addressed to the signed-in account's email");
        myInvitations.MapPost("/{invitationId:guid}/accept", AnswerInvitation.Accept)
            .WithName("AcceptInvitation")
            .WithSummary("Accept an invitation with the code from its mail: the account becomes a member of the seller, with the seller claim from its next token")
            .Validate<AcceptInvitationRequest>();
        myInvitations.MapPost("/{invitationId:guid}/decline", AnswerInvitation.Decline)
            .WithName("DeclineInvitation")
            .WithSummary("Decline an invitation");

        var sellers = api.MapGroup("/sellers").WithTags("Sellers");
        sellers.MapPost("/", CreateSeller.Handle)
            .WithName("CreateSeller")
            .WithSummary("Register a seller organisation; the caller becomes its owner")
            .Validate<CreateSellerRequest>()
            .RequireAuthorization(MarketplaceClaims.Policies.Customer);
        sellers.MapGet("/{sellerId:guid}", GetSellerProfile.Handle)
            .WithName("GetSeller")
            .WithSummary("A seller's public profile; its own members and admins also see whether it can be paid (payouts)")
            .AllowAnonymous();
        sellers.MapGet("/{sellerId:guid}/members", SellerTeam.List)
            .WithName("ListSellerMembers")
            .WithSummary("The seller's members and open invitations (members and admins)")
            .RequireAuthorization(MarketplaceClaims.Policies.Customer);
        sellers.MapDelete("/{sellerId:guid}/members/{userId:guid}", SellerTeam.Remove)
            .WithName("RemoveSellerMember")
            .WithSummary("Remove a member (owner), or leave the seller (the member itself); the last owner cannot be removed")
            .RequireAuthorization(MarketplaceClaims.Policies.Customer);
        sellers.MapPost("/{sellerId:guid}/invitations", InviteToSeller.Handle)
            .WithName("InviteSellerMember")
            .WithSummary("Invite an email to act for the seller (owner only); always 202 with an invitation id, whether or not the email has an account. The invitee accepts under /me/invitations")
            .Validate<InviteToSellerRequest>()
            .RequireAuthorization(MarketplaceClaims.Policies.Customer);
        sellers.MapDelete("/{sellerId:guid}/invitations/{invitationId:guid}", WithdrawInvitation.Handle)
            .WithName("WithdrawInvitation")
            .WithSummary("Withdraw an open invitation (owner only)")
            .RequireAuthorization(MarketplaceClaims.Policies.Customer);

        var keys = sellers.MapGroup("/{sellerId:guid}/api-keys").WithTags("Seller API keys");
        keys.MapPost("/", CreateApiKey.Handle)
            .WithName("CreateApiKey")
            .WithSummary("Create an API key for the seller, optionally expiring; the key is returned only in this answer")
            .Validate<CreateApiKeyRequest>()
            .RequireAuthorization(MarketplaceClaims.Policies.Customer);
        keys.MapGet("/", ListApiKeys.Handle)
            .WithName("ListApiKeys")
            .WithSummary("The seller's API keys with last use and expiry, without their secrets")
            .RequireAuthorization();
        keys.MapPost("/{keyId:guid}/rotate", RotateApiKey.Handle)
            .WithName("RotateApiKey")
            .WithSummary("Replace an API key by a new one, returned only in this answer; the old key keeps working for the configured grace period")
            .RequireAuthorization(MarketplaceClaims.Policies.Customer);
        keys.MapDelete("/{keyId:guid}", RevokeApiKey.Handle)
            .WithName("RevokeApiKey")
            .WithSummary("Revoke one of the seller's API keys")
            .RequireAuthorization(MarketplaceClaims.Policies.Customer);

        api.MapPut("/admin/sellers/{sellerId:guid}/suspension", SuspendSeller.Suspend)
            .WithName("SuspendSeller")
            .WithSummary("Suspend a seller: from the next request on (within Identity:Sellers:MembershipCacheTtl on other replicas) its members' tokens and its API keys no longer act for it")
            .WithTags("Administration")
            .Validate<SuspendSellerRequest>()
            .RequireAuthorization(MarketplaceClaims.Policies.Admin);
        api.MapDelete("/admin/sellers/{sellerId:guid}/suspension", SuspendSeller.Reinstate)
            .WithName("ReinstateSeller")
            .WithSummary("Lift a seller's suspension: its API keys and its members act for it again (a token issued during the suspension, from its next refresh)")
            .WithTags("Administration")
            .RequireAuthorization(MarketplaceClaims.Policies.Admin);
        api.MapPut("/admin/users/{userId:guid}/roles", SetStaffRoles.Handle)
            .WithName("SetStaffRoles")
            .WithSummary("Replace an account's staff roles (admin, marketing)")
            .WithTags("Administration")
            .Validate<SetStaffRolesRequest>()
            .RequireAuthorization(MarketplaceClaims.Policies.Admin);
        return app;
    }
}
