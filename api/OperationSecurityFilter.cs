using Marketplace.Identity;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Marketplace.Api;

/// <summary>
/// States on every operation which credentials open it, read from the endpoint's own authorization metadata as the
/// authorization middleware reads it (its <see cref="IAuthorizeData"/>, policies and <see cref="IAllowAnonymous"/>), plus
/// the header tokens a route checks itself (<see cref="HeaderTokenCredential"/>), so that no route's security is listed
/// by hand and a new route is documented the way it behaves. Where credentials are required it also documents the 401,
/// and the 403 when the policy asks more than a signed-in caller.
/// </summary>
internal sealed class OperationSecurityFilter(IAuthorizationPolicyProvider policies, IServiceProvider services) : IOperationFilter
{
    /// <summary>The host's authorization, without its log: asking whether a policy admits an API key is not a refused request.</summary>
    private readonly IAuthorizationService _authorization =
        ActivatorUtilities.CreateInstance<DefaultAuthorizationService>(services, NullLogger<DefaultAuthorizationService>.Instance);

    public const string Bearer = "bearer";
    public const string ApiKey = "apiKey";

    /// <summary>The schemes every document declares; header tokens are declared by the routes that take them.</summary>
    public static readonly IReadOnlyDictionary<string, OpenApiSecurityScheme> Schemes = new Dictionary<string, OpenApiSecurityScheme>
    {
        [Bearer] = new()
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token from POST /api/v1/auth/token (or /auth/refresh), sent as `Authorization: Bearer <token>`: " +
                "customers, seller members and staff. What it opens depends on the account's roles and seller memberships.",
        },
        [ApiKey] = new()
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = IdentityModule.ApiKeyHeader,
            Description = "A seller's API key, for its machine calls (bulk imports, offers, orders); created by a seller member under " +
                "/api/v1/sellers/{sellerId}/api-keys. It acts for that one seller only.",
        },
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;

        // The middleware's own rule: any IAllowAnonymous lets every caller through, whatever else is on the endpoint.
        // Swashbuckle filters are synchronous; the default policy provider and evaluator complete synchronously.
        var policy = metadata.OfType<IAllowAnonymous>().Any() ? null : RequiredPolicyAsync(metadata).GetAwaiter().GetResult();
        var alternatives = new List<List<string>>();
        var phrases = new Dictionary<string, string>
        {
            [Bearer] = policy is null ? "a signed-in caller's bearer token" : $"a bearer token{PolicyNames(metadata)}",
            [ApiKey] = $"a seller API key in {IdentityModule.ApiKeyHeader}",
        };
        if (policy is not null)
        {
            alternatives.Add([Bearer]);
            if (_authorization.AuthorizeAsync(IdentityModule.ApiKeyCaller(), policy).GetAwaiter().GetResult().Succeeded)
            {
                alternatives.Add([ApiKey]);
            }
        }

        foreach (var token in metadata.OfType<HeaderTokenCredential>().Distinct())
        {
            Declare(context.Document, token);
            RemoveHeaderParameter(operation, token.Header);
            phrases[token.Scheme] = $"a token in {token.Header}";
            if (!token.OrSignedIn)
            {
                alternatives.ForEach(alternative => alternative.Add(token.Scheme));
                if (alternatives.Count == 0)
                {
                    alternatives.Add([token.Scheme]);
                }
            }
            else if (policy is null)
            {
                if (alternatives.Count == 0)
                {
                    alternatives.Add([Bearer]);
                }

                alternatives.Add([token.Scheme]);
            }
        }

        var who = alternatives.Select(alternative => string.Join(" and ", alternative.Select(scheme => phrases[scheme])));
        operation.Security = alternatives
            .Select(schemes => Requirement(context.Document, schemes))
            .ToList();
        operation.Description = Paragraphs(
            operation.Description,
            alternatives.Count == 0 ? "**Credentials:** none; anyone may call." : $"**Credentials:** {string.Join("; or ", who)}.");
        if (alternatives.Count == 0)
        {
            return;
        }

        ProblemResponses.Add(operation, context, StatusCodes.Status401Unauthorized, "No valid credentials: the request carries none of those the operation takes, or one that is expired, revoked or malformed.");
        if (policy?.Requirements.Any(requirement => requirement is not DenyAnonymousAuthorizationRequirement) == true)
        {
            ProblemResponses.Add(operation, context, StatusCodes.Status403Forbidden, "The credentials are valid but do not grant this operation.");
        }
    }

    /// <summary>The policy the middleware enforces, or null when the endpoint asks for none.</summary>
    private async Task<AuthorizationPolicy?> RequiredPolicyAsync(IList<object> metadata) =>
        await AuthorizationPolicy.CombineAsync(
            policies,
            metadata.OfType<IAuthorizeData>(),
            metadata.OfType<AuthorizationPolicy>())
        ?? await policies.GetFallbackPolicyAsync();

    private static string PolicyNames(IList<object> metadata)
    {
        var names = metadata.OfType<IAuthorizeData>().Select(data => data.Policy).OfType<string>().Distinct().ToList();
        return names.Count == 0 ? "" : $" ({string.Join(", ", names)} policy)";
    }

    private static void Declare(OpenApiDocument? document, HeaderTokenCredential token)
    {
        if (document is null)
        {
            return;
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes.TryAdd(token.Scheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = token.Header,
            Description = token.Description,
        });
    }

    /// <summary>A header a security scheme carries is the scheme's, not a parameter, so clients send it one way.</summary>
    private static void RemoveHeaderParameter(OpenApiOperation operation, string header)
    {
        var parameters = operation.Parameters;
        if (parameters is null)
        {
            return;
        }

        foreach (var parameter in parameters.Where(p => p.In == ParameterLocation.Header && string.Equals(p.Name, header, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            parameters.Remove(parameter);
        }
    }

    private static OpenApiSecurityRequirement Requirement(OpenApiDocument? document, IEnumerable<string> schemes)
    {
        var requirement = new OpenApiSecurityRequirement();
        foreach (var scheme in schemes)
        {
            requirement[new OpenApiSecuritySchemeReference(scheme, document)] = [];
        }

        return requirement;
    }

    internal static string Paragraphs(string? first, string second) =>
        string.IsNullOrWhiteSpace(first) ? second : $"{first.TrimEnd()}\n\n{second}";
}
