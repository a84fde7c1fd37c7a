using Microsoft.OpenApi;

namespace Marketplace.Api;

/// <summary>Who answers for the API, as the document's <c>info</c> states it; bound from <c>Api:Document</c>.</summary>
internal sealed class ApiDocumentContact
{
    public string ContactName { get; set; } = "Marketplace API team";

    public string ContactEmail { get; set; } = "api@marketplace.example";

    public string ContactUrl { get; set; } = "https://marketplace.example/developers";

    public string LicenseName { get; set; } = "Proprietary: API terms of use";

    public string LicenseUrl { get; set; } = "https://marketplace.example/developers/terms";
}

internal static class OpenApiDocumentSetup
{
    /// <summary>
    /// The OpenAPI document at <c>/swagger/v1/swagger.json</c>, committed as <c>api/openapi.json</c>: XML docs as text,
    /// short schema names, each operation's security and common 4xx answers read from its metadata, tag descriptions.
    /// </summary>
    public static IServiceCollection AddMarketplaceOpenApi(this IServiceCollection services, IConfiguration configuration)
    {
        var contact = configuration.GetSection("Api:Document").Get<ApiDocumentContact>() ?? new ApiDocumentContact();
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Marketplace API",
                Version = "v1",
                Description = "Headless marketplace commerce: catalog, search, cart, checkout, orders, payments, delivery, seller bulk APIs, identity. " +
                    "Errors are application/problem+json; bad input is a 400 naming each field.",
                Contact = new OpenApiContact { Name = contact.ContactName, Email = contact.ContactEmail, Url = new Uri(contact.ContactUrl) },
                License = new OpenApiLicense { Name = contact.LicenseName, Url = new Uri(contact.LicenseUrl) },
            });
            foreach (var xml in Directory.EnumerateFiles(AppContext.BaseDirectory, "Marketplace.*.xml").Order(StringComparer.Ordinal))
            {
                swagger.IncludeXmlComments(xml);
            }

            foreach (var (name, scheme) in OperationSecurityFilter.Schemes)
            {
                swagger.AddSecurityDefinition(name, scheme);
            }

            swagger.OperationFilter<QueryParameterDocsFilter>();
            swagger.OperationFilter<OperationSecurityFilter>();
            swagger.OperationFilter<ProblemResponsesFilter>();
            swagger.DocumentFilter<DocumentShapeFilter>();
            swagger.CustomSchemaIds(SchemaNames.For);
        });
        return services;
    }
}
